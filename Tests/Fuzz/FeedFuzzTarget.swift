// A libFuzzer target for the feed's request parsing, built by `scripts/fuzz feed` with swiftc together with the
// sources that turn a FeedRequest into a FeedCall (path, query, form, JSON and multipart bodies: FeedCall.swift,
// KalturaParameters.swift and what they use) and with MultipartKit's sources; it belongs to no SwiftPM target.
import Foundation

/// Reads the input as a request and parses it whole and as the start of a body, as the server does before it
/// knows the caller. Errors are the parser's answer to bad data; a crash or a hang is a bug.
///
/// The input's first line is the target (`/api_v3/service/…?query`), its second the Content-Type, and the rest the
/// body; an input without two lines is a path alone.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let lines = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
    let target = String(decoding: lines[0], as: UTF8.self)
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    var request = FeedRequest(method: "POST", path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "")
    if lines.count > 1 { request.headers["content-type"] = String(decoding: lines[1], as: UTF8.self) }
    if lines.count > 2 { request.body = Array(lines[2]) }
    request.headers["authorization"] = "Bearer token"
    if let call = try? FeedCall(request) {
        checkCall(call)
    }
    // The server reads the start of a long body for its KS: every cut must parse as well (or fail cleanly).
    for cut in Set([0, request.body.count / 2, max(request.body.count - 1, 0)]) {
        var prefix = request
        prefix.body = Array(request.body.prefix(cut))
        if let call = try? FeedCall(prefix, bodyIsWhole: false) {
            precondition(call.file == nil, "the start of a body gave a file")
            checkCall(call)
        }
    }
    return 0
}

/// What every parsed call must satisfy.
func checkCall(_ call: FeedCall) {
    precondition(call.service == call.service.lowercased() && call.action == call.action.lowercased())
    precondition(call.token?.isEmpty != true, "an empty token")
    for (name, _) in call.parameters.values {
        precondition(KalturaParameters.normalized(name) == name, "a name left unnormalized: \(name)")
        _ = call.parameters.fields(of: String(name.split(separator: ":").first ?? ""))
    }
    let error = FeedError(.invalidParameter, String(repeating: "x", count: call.parameters.values.count))
    precondition(error.message.count <= FeedError.messageLimit + 40, "an error message past its limit")
}
