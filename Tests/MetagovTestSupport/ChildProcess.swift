import Foundation

/// What a child process wrote before it ended.
public struct ChildOutput: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs `process` (configured but not started) to its end, its standard output and error going to temporary
/// files (both to one with `mergingErrors`), and returns what it wrote. `whileRunning` runs once it started.
///
/// Files, not pipes: tests run in parallel, and a server another test spawns while this process's pipes are open
/// inherits their write ends and holds them for as long as it runs. Reading a pipe to its end would then wait for
/// that server, blocking one of the few threads that run every test's tasks (under a sanitizer on two cores, all
/// of them: the tests that would stop the servers never ran again).
public func runToEnd(_ process: Process, mergingErrors: Bool = false, whileRunning: () -> Void = {}) throws -> ChildOutput {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("metagov-child-\(UUID().uuidString)")
    let (out, err) = (base.appendingPathExtension("out"), base.appendingPathExtension("err"))
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = mergingErrors ? outHandle : try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    try outHandle.close()
    if !mergingErrors { try errHandle.close() }
    whileRunning()
    process.waitUntilExit()
    return ChildOutput(status: process.terminationStatus, stdout: try Data(contentsOf: out), stderr: try Data(contentsOf: err))
}
