import ArgumentParser
import Foundation
import ScheduleFeed

/// `scheduledrop token`: makes a new partner token and prints it with the configuration lines that admit it.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a new feed token for a partner: the token (give it to the partner) and its hash (put it in feed.tokens).",
        discussion: "The configuration keeps only the token's SHA-256; the token itself is printed once and nowhere stored."
    )

    @Option(help: "The partner the token is for.")
    var partner: Int

    @Option(help: "Days until it expires; never when not given.")
    var days: Int?

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        var lines = [
            "token: \(token)", "", "feed:", "  tokens:", "    - partnerId: \(partner)", "      sha256: \(PartnerToken.hash(token))",
        ]
        if let days {
            let expiry = Date().addingTimeInterval(Double(days) * 86_400)
            lines.append("      expires: \(ISO8601DateFormatter().string(from: expiry))")
        }
        print(lines.joined(separator: "\n"))
    }
}
