package orchestration

// EncodingCache turns the cache of objects' static encodings on and off (for the tests that
// compare the two).
var EncodingCache = &encodingCache
