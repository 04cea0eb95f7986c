import Schedule

/// Kaltura's multirequest: several calls in one request, numbered (`0:service`, `0:action`, `0:filter:…`, or from
/// 1), run in order, each answered in its place, a failure failing only its own call.
///
/// A parameter without a number (`ks`, `format`, `clientTag`) applies to every call that does not give its own.
/// A value may refer to what an earlier call gave, `{1:result}` (the first call's result, a KS for instance) or
/// `{1:result:ks}`, `{2:result:objects:0:id}`, `{2:result:totalCount}`: results are numbered from 1 in call order.
enum MultiRequest {
    /// The parameters of each call, in order.
    static func calls(_ parameters: KalturaParameters) -> [KalturaParameters] {
        var shared = KalturaParameters()
        var numbered: [Int: KalturaParameters] = [:]
        for (name, value) in parameters.values {
            let parts = name.split(separator: ":", maxSplits: 1)
            if parts.count == 2, let number = Int(parts[0]), number >= 0 {
                numbered[number, default: KalturaParameters()].set(String(parts[1]), value)
            } else {
                shared.set(name, value)
            }
        }
        return numbered.keys.sorted().map { number in
            var call = shared
            for (name, value) in numbered[number]!.values { call.set(name, value) }
            return call
        }
    }

    /// `parameters` with every reference to an earlier result replaced by the value it names; a reference to a
    /// failed or missing result, or to a field it does not have, is left as written.
    static func resolve(_ parameters: KalturaParameters, results: [Result<ServiceResult, FeedError>]) -> KalturaParameters {
        var resolved = KalturaParameters()
        for (name, value) in parameters.values {
            resolved.set(name, value.contains("{") ? substitute(value, results: results) : value)
        }
        return resolved
    }

    private static func substitute(_ value: String, results: [Result<ServiceResult, FeedError>]) -> String {
        var output = ""
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let reference = rest[rest.index(after: open)..<close]
            output += lookUp(reference.split(separator: ":", omittingEmptySubsequences: false), in: results) ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    /// The text of `N:result[:path…]`.
    private static func lookUp(_ parts: [Substring], in results: [Result<ServiceResult, FeedError>]) -> String? {
        guard parts.count >= 2, parts[1] == "result", let number = Int(parts[0]), number >= 1, number <= results.count,
            case .success(let result) = results[number - 1]
        else { return nil }
        let path = parts.dropFirst(2)
        switch result {
        case .text(let text): return path.isEmpty ? text : nil
        case .object(let object, _): return field(of: object, path)
        case .list(let list):
            guard let first = path.first else { return nil }
            if first == "totalCount" && path.count == 1 { return String(list.totalCount) }
            guard first == "objects", path.count >= 2, let index = Int(path[path.startIndex + 1]), list.objects.indices.contains(index)
            else { return nil }
            return field(of: list.objects[index], path.dropFirst(2))
        case .nothing, .response: return nil
        }
    }

    /// A field of `object` (or of an object within it, `recurrence:frequency`) as text.
    private static func field(of object: KalturaObject, _ path: ArraySlice<Substring>) -> String? {
        guard let name = path.first, let value = object.fields[String(name)] else { return nil }
        switch value {
        case .int(let number): return path.count == 1 ? String(number) : nil
        case .string(let text): return path.count == 1 ? text : nil
        case .double(let number): return path.count == 1 ? String(number) : nil
        case .object(let inner): return field(of: inner, path.dropFirst())
        }
    }
}
