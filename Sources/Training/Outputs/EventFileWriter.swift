import Foundation

/// Writes TensorBoard scalar summaries to an event file (`events.out.tfevents.<time>.<host>`)
/// that TensorBoard's own reader opens.
///
/// Each record is TFRecord-framed: `uint64 length`, `uint32 masked_crc32c(length)`,
/// the serialized `tensorflow.Event`, `uint32 masked_crc32c(data)`. The first event
/// carries `file_version = "brain.Event:2"`; scalars are `Event{wall_time = 1, step = 2,
/// summary = 5 {value = 1 {tag = 1, simple_value = 2}}}` (tensorflow/core/util/event.proto,
/// summary.proto). Records are flushed after every ``flush()``.
public final class EventFileWriter {
    /// Path of the event file.
    public let path: String
    private let handle: FileHandle
    private var pending: [UInt8] = []

    /// Creates a new event file in `directory` (created if needed) and writes the version record.
    public init(directory: String, wallTime: Double = Date().timeIntervalSince1970) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        var name = "events.out.tfevents.\(Int(wallTime)).\(host)"
        var suffix = 1
        while FileManager.default.fileExists(atPath: directory + "/" + name) {
            name = "events.out.tfevents.\(Int(wallTime)).\(host).\(suffix)"
            suffix += 1
        }
        path = directory + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = handle
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, 0)
        event.lengthDelimited(3, Array("brain.Event:2".utf8))
        append(record: event.bytes)
        try flush()
    }

    deinit { try? handle.close() }

    /// Queues scalar `value` under `tag` at `step`.
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double = Date().timeIntervalSince1970) {
        append(record: Self.scalarEvent(tag: tag, value: Float(value), step: Int64(step), wallTime: wallTime))
    }

    /// Writes queued records to disk.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// The serialized `Event` of one scalar.
    static func scalarEvent(tag: String, value: Float, step: Int64, wallTime: Double) -> [UInt8] {
        var summaryValue = ProtobufWriter()
        summaryValue.lengthDelimited(1, Array(tag.utf8))
        summaryValue.float(2, value)
        var summary = ProtobufWriter()
        summary.lengthDelimited(1, summaryValue.bytes)
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, step)
        event.lengthDelimited(5, summary.bytes)
        return event.bytes
    }

    /// TFRecord framing of `data`.
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Array($0) }
        out.append(contentsOf: length)
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: data)
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    private func append(record: [UInt8]) { pending.append(contentsOf: Self.frame(record)) }
}
