import CCurl
import Foundation

/// One libcurl transfer (FTP, FTPS, HTTP for S3), run by a blocking call: never on the cooperative pool (use
/// `BlockingWork`).
///
/// Credentials go in libcurl's own options, never in the URL, so no message or log line can carry them.
/// libcurl's result codes become `FolderError` codes: unreachable, auth, TLS, permission, not found, protocol.
/// An HTTP status is not an error here: the caller reads it in the `Reply`. The body of an HTTP reply whose status
/// is outside 2xx (an error document) never goes to the sink, so it cannot be taken for a file's bytes; the reply
/// carries its first 4 KiB instead.
struct CurlTransfer {
    /// What the server answered.
    struct Reply {
        /// The server's last response code (the HTTP status, or the FTP reply code).
        var code: Int
        /// The start of an HTTP error reply's body (empty for a 2xx reply and for FTP).
        var errorBody: [UInt8]
    }

    /// How to reach and authenticate to the server.
    struct Connection: Sendable {
        /// The user name (for S3, the access key id).
        var username: String
        /// The password (for S3, the secret access key).
        var password: String
        /// Require TLS on the control and data connections (explicit FTPS).
        var requireTLS: Bool
        /// A PEM file of the certificate authorities to trust, instead of the system's (for FTPS and `https`).
        var certificateAuthorities: String?
        /// Whether the server's certificate and name are checked (for FTPS and `https`; on unless the folder turns it off).
        var verifyCertificate: Bool
        /// The longest a connection may take to open, and a transfer may stall, in seconds.
        var timeout: Int
        /// The AWS Signature V4 provider, region and service (`aws:amz:us-east-1:s3`): requests are signed with it.
        var awsSignature: String? = nil
    }

    /// libcurl's process-wide set-up, done once before the first handle.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Performs one request on `url` (no credentials in it): `customRequest` replaces the FTP listing command or
    /// the HTTP method, `quote` commands run after an FTP login, `headers` go with an HTTP request, `noBody` skips
    /// the transfer, `emptyUpload` makes it a PUT of no bytes; received bytes go to `sink` (false aborts).
    @discardableResult
    static func perform(
        _ url: String, connection: Connection, customRequest: String? = nil, quote: [String] = [], headers: [String] = [],
        noBody: Bool = false, emptyUpload: Bool = false, sink: @escaping (UnsafeRawBufferPointer) -> Bool = { _ in true }
    ) throws(FolderError) -> Reply {
        guard initialized, let handle = curl_easy_init() else { throw FolderError(.ioFailed, "libcurl cannot be initialized") }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        for command in quote { list = curl_slist_append(list, command) }
        defer { curl_slist_free_all(list) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }
        let receiver = Receiver(sink, handle: handle, isHTTP: url.hasPrefix("http://") || url.hasPrefix("https://"))
        var code = CURLE_OK
        func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
        set(scheduledrop_curl_set_string(handle, CURLOPT_URL, url))
        set(scheduledrop_curl_set_string(handle, CURLOPT_USERNAME, connection.username))
        set(scheduledrop_curl_set_string(handle, CURLOPT_PASSWORD, connection.password))
        set(scheduledrop_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        set(scheduledrop_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, connection.timeout))
        set(scheduledrop_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1))
        set(scheduledrop_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, connection.timeout))
        set(scheduledrop_curl_set_long(handle, CURLOPT_FTP_USE_EPSV, 1))
        if connection.requireTLS {
            set(scheduledrop_curl_set_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        }
        if connection.requireTLS || url.hasPrefix("https://") {
            set(scheduledrop_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, connection.verifyCertificate ? 1 : 0))
            set(scheduledrop_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, connection.verifyCertificate ? 2 : 0))
            if let authorities = connection.certificateAuthorities {
                set(scheduledrop_curl_set_string(handle, CURLOPT_CAINFO, authorities))
            }
        }
        if let customRequest { set(scheduledrop_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, customRequest)) }
        if list != nil { set(scheduledrop_curl_set_list(handle, CURLOPT_QUOTE, list)) }
        if headerList != nil { set(scheduledrop_curl_set_list(handle, CURLOPT_HTTPHEADER, headerList)) }
        if let signature = connection.awsSignature { set(scheduledrop_curl_set_string(handle, CURLOPT_AWS_SIGV4, signature)) }
        if noBody { set(scheduledrop_curl_set_long(handle, CURLOPT_NOBODY, 1)) }
        if emptyUpload { set(scheduledrop_curl_set_empty_upload(handle)) }
        set(
            scheduledrop_curl_set_writer(
                handle,
                { data, size, count, context in
                    let receiver = Unmanaged<Receiver>.fromOpaque(context!).takeUnretainedValue()
                    return receiver.take(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
                }, Unmanaged.passUnretained(receiver).toOpaque()))
        if code == CURLE_OK {
            code = withExtendedLifetime(receiver) { curl_easy_perform(handle) }
        }
        var response = 0
        _ = scheduledrop_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &response)
        guard code == CURLE_OK else { throw error(code, response: response, url: url) }
        return Reply(code: response, errorBody: receiver.errorBody)
    }

    /// The folder error of a libcurl result, with the server's last reply code when there was one.
    static func error(_ code: CURLcode, response: Int, url: String) -> FolderError {
        let reason = String(cString: curl_easy_strerror(code)) + (response > 0 ? " (server reply \(response))" : "")
        let kind: FolderError.Code =
            switch code {
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
                CURLE_GOT_NOTHING, CURLE_FTP_ACCEPT_TIMEOUT:
                .unreachable
            case CURLE_LOGIN_DENIED: .authFailed
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_USE_SSL_FAILED, CURLE_SSL_CACERT_BADFILE: .tlsFailed
            case CURLE_REMOTE_ACCESS_DENIED: .permissionDenied
            case CURLE_REMOTE_FILE_NOT_FOUND: .notFound
            default: response == 550 ? .notFound : .protocolFailed
            }
        return FolderError(kind, "\(url): \(reason)")
    }

    /// Takes the received bytes while libcurl calls back: to the sink, or, for an HTTP error reply, to `errorBody`.
    private final class Receiver {
        let sink: (UnsafeRawBufferPointer) -> Bool
        let handle: UnsafeMutableRawPointer
        let isHTTP: Bool
        /// The first 4 KiB of an HTTP error reply's body.
        var errorBody: [UInt8] = []

        init(_ sink: @escaping (UnsafeRawBufferPointer) -> Bool, handle: UnsafeMutableRawPointer, isHTTP: Bool) {
            self.sink = sink
            self.handle = handle
            self.isHTTP = isHTTP
        }

        /// Takes `bytes` of the body; false aborts the transfer.
        func take(_ bytes: UnsafeRawBufferPointer) -> Bool {
            if isHTTP {
                var status = 0
                _ = scheduledrop_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
                guard (200..<300).contains(status) else {
                    errorBody += bytes.prefix(max(0, 4096 - errorBody.count))
                    return true
                }
            }
            return sink(bytes)
        }
    }
}
