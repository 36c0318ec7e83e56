import Foundation

/// Starts a thread under a name the kernel shows (`top -H`, `/proc/PID/task/*/comm`, profilers).
///
/// Foundation's `Thread.name` does not reach the kernel on Linux (the threads showed a dispatch queue's name), and
/// `pthread_setname_np` is not imported, so the thread writes its name to `/proc/thread-self/comm` first. Linux
/// keeps 15 bytes of a name: a longer one is cut.
package enum NamedThread {
    package static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            nameCurrentThread(name)
            body()
        }
        thread.name = name
        thread.start()
    }

    /// Gives the calling thread `name` in the kernel's eyes (nothing where there is no `/proc/thread-self`).
    private static func nameCurrentThread(_ name: String) {
        guard let comm = FileHandle(forWritingAtPath: "/proc/thread-self/comm") else { return }
        try? comm.write(contentsOf: Data(name.utf8.prefix(15)))
        try? comm.close()
    }
}
