package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// physicalMemory is the memory this process may use in bytes: the machine's physical memory, or
// its control group's limit if lower (a container's; cgroup v2, then v1); 0 if unknown.
func physicalMemory() int64 {
	var info syscall.Sysinfo_t
	if syscall.Sysinfo(&info) != nil {
		return 0
	}
	total := int64(info.Totalram) * int64(info.Unit)
	for _, file := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		if limit, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil && limit > 0 && limit < total {
			return limit
		}
		break // "max", or no lower limit
	}
	return total
}
