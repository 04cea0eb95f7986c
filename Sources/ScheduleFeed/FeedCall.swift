import MultipartKit

/// One Kaltura API call read from a request: service, action, parameters, token and uploaded file.
struct FeedCall {
    /// The service, lower-cased (`schedule_scheduleevent`).
    var service: String
    /// The action, lower-cased (`list`, `addfrombulkupload`).
    var action: String
    /// Every parameter, from path, query and body.
    var parameters: KalturaParameters
    /// The KS (or pre-shared feed token): the `ks` parameter, else the `Authorization: Bearer` header.
    var token: String?
    /// The uploaded file, if the body carries one.
    var file: (name: String?, bytes: [UInt8])?

    /// Reads `/api_v3/service/<service>/action/<action>[/<name>/<value>…]` (or `/api_v3/service/multirequest`, or
    /// `/api_v3/` with `service` and `action` as parameters) and the request's parameters.
    ///
    /// When `bodyIsWhole` is false the body is only the start of one: only its whole form fields and its complete
    /// multipart parts are read, never a JSON body or a file (this finds a KS sent before the rest of a long body).
    ///
    /// Throws `SERVICE_DOES_NOT_EXISTS` for another path and `feed.invalidParameter` for an unreadable body.
    init(_ request: FeedRequest, bodyIsWhole: Bool = true) throws(FeedError) {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.first == "api_v3" else {
            throw FeedError(.unknownService, "\(request.path) is not a call: calls are /api_v3/service/<service>/action/<action>")
        }
        var rest = segments.dropFirst()
        if rest.first == "index.php" { rest = rest.dropFirst() }
        var pathService: String?
        var pathAction: String?
        if rest.count >= 2, rest.first == "service" {
            pathService = String(rest[rest.startIndex + 1])
            rest = rest.dropFirst(2)
            if rest.count >= 2, rest.first == "action" {
                pathAction = String(rest[rest.startIndex + 1])
                rest = rest.dropFirst(2)
            }
        }
        service = ""
        action = ""
        parameters = KalturaParameters()
        parameters.addPathPairs(rest)
        parameters.addForm(Substring(request.query))
        let contentType = request.headers["content-type"] ?? ""
        if !request.body.isEmpty {
            let mediaType = contentType.lowercased()
            if mediaType.hasPrefix("multipart/form-data") {
                try readMultipart(request.body, contentType: contentType, isWhole: bodyIsWhole)
            } else if !bodyIsWhole {
                if mediaType.hasPrefix("application/x-www-form-urlencoded"), let end = request.body.lastIndex(of: UInt8(ascii: "&")) {
                    parameters.addForm(Substring(decoding: request.body[..<end], as: UTF8.self))
                }
            } else if mediaType.hasPrefix("application/json") {
                try parameters.addJSON(.init(request.body))
            } else if mediaType.hasPrefix("application/x-www-form-urlencoded") {
                parameters.addForm(Substring(decoding: request.body, as: UTF8.self))
            } else {
                file = (parameters["fileName"], request.body)
            }
        }
        let bearer = request.headers["authorization"].flatMap { header in
            header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
        }
        token = parameters["ks"].flatMap { $0.isEmpty ? nil : $0 } ?? bearer
        service = (pathService ?? parameters["service"] ?? "").lowercased()
        action = (pathAction ?? parameters["action"] ?? "").lowercased()
    }

    /// Reads a multipart body: a `json` part holds parameters, a part with a file name (or named `fileData`) is the
    /// file, and any other part is one parameter. Of the start of a body (`isWhole` false) the complete parts are read.
    private mutating func readMultipart(_ body: [UInt8], contentType: String, isWhole: Bool) throws(FeedError) {
        guard let boundary = Self.attribute("boundary", in: contentType), !boundary.isEmpty else {
            throw FeedError(.invalidParameter, "a multipart body needs a boundary in its Content-Type")
        }
        guard MultipartHeaderNames.areASCII(in: body, boundary: boundary) else {
            throw FeedError(.invalidParameter, "the multipart body cannot be read: a part's header name is not ASCII")
        }
        var parts: [(headers: [String: String], body: [UInt8])] = []
        var headers: [String: String] = [:]
        var content: [UInt8] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in content += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = [:]
            content = []
        }
        do {
            try parser.execute(body)
        } catch {
            guard !isWhole else { throw FeedError(.invalidParameter, "the multipart body cannot be read") }
        }
        for part in parts {
            let disposition = part.headers["content-disposition"] ?? ""
            let name = Self.attribute("name", in: disposition) ?? ""
            let fileName = Self.attribute("filename", in: disposition)
            if name == "json" {
                try parameters.addJSON(.init(part.body))
            } else if fileName != nil || name == "fileData" {
                // The start of a body may end just before the closing boundary's last bytes: its file is not whole.
                if isWhole { file = (fileName, part.body) }
            } else if !name.isEmpty {
                parameters.set(name, String(decoding: part.body, as: UTF8.self))
            }
        }
    }

    /// The value of `name=value` or `name="value"` among a header's `;`-separated attributes.
    static func attribute(_ name: String, in header: String) -> String? {
        for item in header.split(separator: ";") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
