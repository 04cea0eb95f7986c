import Foundation

/// What an S3 error reply means for a folder.
enum S3Error {
    /// The folder error of a reply with HTTP `status` and the XML error `body` (`<Error><Code>…</Code>`).
    ///
    /// A bad signature, an unknown key, a clock too far off or a request signed for another region is
    /// `authFailed`; a refusal by policy `permissionDenied`; a missing bucket or key `notFound`; a failed
    /// `If-Match` `changedDuringFetch`; a server that is busy or down `unreachable`.
    static func folderError(status: Int, body: [UInt8], doing what: String) -> FolderError {
        let code = S3XML.firstValue(of: "Code", in: body) ?? ""
        var message = S3XML.firstValue(of: "Message", in: body).map { ": \($0)" } ?? ""
        switch code {
        case "RequestTimeTooSkewed": message += " (check this machine's clock)"
        case "AuthorizationHeaderMalformed", "PermanentRedirect": message += " (check the folder's region and endpoint)"
        default: break
        }
        let kind: FolderError.Code =
            switch (status, code) {
            case (_, "SignatureDoesNotMatch"), (_, "InvalidAccessKeyId"), (_, "InvalidToken"), (_, "ExpiredToken"),
                (_, "RequestTimeTooSkewed"), (_, "AuthorizationHeaderMalformed"), (401, _):
                .authFailed
            case (403, _): .permissionDenied
            case (404, _): .notFound
            case (412, _): .changedDuringFetch
            case (502, _), (503, _), (504, _): .unreachable
            default: .protocolFailed
            }
        return FolderError(kind, "\(what): HTTP \(status)" + (code.isEmpty ? "" : " \(code)") + message)
    }
}
