import Foundation
import ICalendar

/// Shows how far `scheduledrop ingest` has read a large file, on standard error: a bar redrawn in place on a
/// terminal, or a plain line at each tenth when standard error is a file or a pipe (logs stay readable).
final class IngestProgress: Sendable {
    /// Files smaller than this get no progress display.
    static let threshold: Int64 = 4 << 20

    /// The byte count the job's reader moves.
    let progress = ReadProgress()
    private let name: String
    private let total: Int64
    private let terminal: Bool

    /// A display for the file `name` of `total` bytes; `terminal` chooses the redrawn bar over plain lines.
    init(name: String, total: Int64, terminal: Bool) {
        self.name = name
        self.total = total
        self.terminal = terminal
    }

    /// Shows the progress every 200 ms until cancelled, then the end.
    func run() async {
        var shownTenth = -1
        while !Task.isCancelled {
            show(Int64(progress.bytesRead), shownTenth: &shownTenth)
            try? await Task.sleep(for: .milliseconds(200))
        }
        show(Int64(progress.bytesRead), shownTenth: &shownTenth)
        if terminal { write("\n") }
    }

    private func show(_ done: Int64, shownTenth: inout Int) {
        if terminal {
            write("\r" + Self.bar(name: name, done: done, total: total))
        } else {
            let tenth = Int(min(done, total) * 10 / max(total, 1))
            guard tenth > shownTenth else { return }
            shownTenth = tenth
            write(Self.line(name: name, done: done, total: total) + "\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `name [#########...........]  45%  12.3 of 27.1 MB`, the bar 20 characters wide.
    static func bar(name: String, done: Int64, total: Int64) -> String {
        let fraction = Double(min(done, total)) / Double(max(total, 1))
        let filled = Int(fraction * 20)
        return "\(name) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "] "
            + amounts(done: done, total: total)
    }

    /// `name: 45%  12.3 of 27.1 MB read`.
    static func line(name: String, done: Int64, total: Int64) -> String {
        "\(name): " + amounts(done: done, total: total) + " read"
    }

    private static func amounts(done: Int64, total: Int64) -> String {
        let percent = Int(Double(min(done, total)) * 100 / Double(max(total, 1)))
        let megabytes = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1_048_576) }
        return String(repeating: " ", count: 3 - String(percent).count)
            + "\(percent)%  \(megabytes(min(done, total))) of \(megabytes(total)) MB"
    }
}
