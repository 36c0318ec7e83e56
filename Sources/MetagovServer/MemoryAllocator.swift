#if canImport(CMimalloc)
import CMimalloc
#endif

/// The allocator behind the process's `malloc`, as the `listening` log line names it.
///
/// On Linux the server links mimalloc, which then serves every `malloc` of the process (Swift's runtime, SwiftNIO,
/// SQLite, nghttp2). The call path hands memory from thread to thread: the event loop allocates a request, a handler
/// thread frees it, and the reverse for the response; glibc's per-thread caches hold 7 blocks per size, so such a
/// producer-consumer pattern falls through to its locked slow paths (a fifth of the handler thread's time under a
/// write load). mimalloc frees a block of another thread onto that thread's own list instead. See README "Memory".
enum MemoryAllocator {
    /// "mimalloc 2.0.9", or what else serves `malloc` (a sanitizer's runtime or a preloaded allocator comes first).
    static var name: String {
        #if canImport(CMimalloc)
        let version = Int(mi_version())
        let linked = "mimalloc \(version / 100).\(version / 10 % 10).\(version % 10)"
        return metagov_malloc_is_mimalloc() ? linked : "another allocator (\(linked) linked, not in use)"
        #else
        return "the system malloc"
        #endif
    }
}
