/// A page of a listing, as Kaltura's `KalturaFilterPager`: 30 results by default, at most 500, pages counted from 1,
/// and nothing past the 10,000th result reachable (a client narrows its filter instead, by updated-at for example).
public struct Pager: Equatable, Sendable {
    /// Results per page, clamped to 1…500.
    public let pageSize: Int
    /// The page, from 1.
    public let pageIndex: Int

    /// The most results a page may hold.
    public static var maximumPageSize: Int { 500 }
    /// How many results of one filter can be reached through pages.
    public static var maximumResults: Int { 10_000 }

    /// A pager; `pageSize` is clamped to 1…500 (30 when nil or not positive), `pageIndex` to 1 or more.
    ///
    /// Throws `PagerError` when the page starts past the 10,000th result.
    public init(pageSize: Int? = nil, pageIndex: Int? = nil) throws(PagerError) {
        let size = pageSize.map { $0 > 0 ? min($0, Self.maximumPageSize) : 30 } ?? 30
        let index = max(pageIndex ?? 1, 1)
        guard (index - 1).multipliedReportingOverflow(by: size).partialValue < Self.maximumResults, index <= Self.maximumResults else {
            throw PagerError(
                message: "page \(index) of \(size) starts past result \(Self.maximumResults), the most a listing reaches; "
                    + "narrow the filter (for example with updatedAtGreaterThanOrEqual) instead")
        }
        self.pageSize = size
        self.pageIndex = index
    }

    /// How many results come before the page.
    public var offset: Int { (pageIndex - 1) * pageSize }
}

/// A page that cannot be reached: it starts past the 10,000th result.
public struct PagerError: Error, Equatable, Sendable {
    /// The stable code.
    public static let code = "feed.pageBeyondLimit"
    /// What went wrong and what to do.
    public var message: String
}
