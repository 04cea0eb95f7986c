import Foundation

/// One page of a ListObjectsV2 reply.
struct S3ListingPage {
    /// One object of the page.
    struct Object {
        /// The whole key.
        var key: String
        /// The size in bytes.
        var size: Int64
        /// The last-modified time in nanoseconds since 1970 (0 if unreadable).
        var modified: Int64
        /// The ETag without its quotes.
        var etag: String
        /// Whether the key is UTF-8; if not, `key` is its escaped form (`FileName.decoded`).
        var keyIsUTF8 = true
    }

    /// The objects, in key order.
    var objects: [Object] = []
    /// Whether more pages follow.
    var isTruncated = false
    /// The token of the next page.
    var nextToken: String?

    /// The page an XML reply describes; a reply that is not a whole ListBucketResult is `protocolFailed`.
    init(_ xml: [UInt8]) throws(FolderError) {
        let reader = S3XML()
        guard reader.parse(xml), reader.elements.last?.path == ["ListBucketResult"] else {
            throw FolderError(.protocolFailed, "the listing reply is not a whole ListBucketResult document")
        }
        // Elements come in the order they end: an object's fields, in any order, then its `Contents`.
        var current = Object(key: "", size: 0, modified: 0, etag: "")
        for element in reader.elements {
            switch element.path.joined(separator: "/") {
            case "ListBucketResult/Contents/Key": (current.key, current.keyIsUTF8) = FileName.decoded(Self.urlDecoded(element.text))
            case "ListBucketResult/Contents/Size": current.size = Int64(element.text) ?? 0
            case "ListBucketResult/Contents/LastModified": current.modified = Self.nanoseconds(element.text)
            case "ListBucketResult/Contents/ETag": current.etag = element.text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            case "ListBucketResult/Contents":
                if !current.key.isEmpty { objects.append(current) }
                current = Object(key: "", size: 0, modified: 0, etag: "")
            case "ListBucketResult/IsTruncated": isTruncated = element.text == "true"
            case "ListBucketResult/NextContinuationToken": nextToken = element.text
            default: break
            }
        }
    }

    /// The bytes of a key as `encoding-type=url` writes it: `+` for a space, `%XY` for other bytes (a malformed escape
    /// is kept).
    static func urlDecoded(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), input.count >= 2,
                let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                input.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// A UTC time as S3 writes it (`2026-11-25T04:37:10.123Z`, the fraction optional) in nanoseconds since
    /// 1970; 0 if unreadable.
    static func nanoseconds(_ text: String) -> Int64 {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) })
        guard parts.count == 6, let year = Int32(parts[0]), let month = Int32(parts[1]), let day = Int32(parts[2]),
            let hour = Int32(parts[3]), let minute = Int32(parts[4])
        else { return 0 }
        let second = parts[5].split(separator: ".", maxSplits: 1)
        guard let first = second.first, let whole = Int32(first), (1...9999).contains(year) else { return 0 }
        var fields = tm()
        (fields.tm_year, fields.tm_mon, fields.tm_mday) = (year - 1900, month - 1, day)
        (fields.tm_hour, fields.tm_min, fields.tm_sec) = (hour, minute, whole)
        let digits = second.count == 2 ? String(second[1].prefix(9)) : ""
        let fraction = Int64(digits.padding(toLength: 9, withPad: "0", startingAt: 0)) ?? 0
        return Int64(timegm(&fields)) * 1_000_000_000 + fraction
    }
}
