/// One page of a listing, with the token that fetches the next one (`nil` on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextPageToken: String?
    /// Kept with the page in the core's read cache, for what a caller derives from the page (see
    /// ``DerivedMemo``); `nil` for listings that are not cached.
    public var memo: DerivedMemo?

    public init(items: [Item], nextPageToken: String?, memo: DerivedMemo? = nil) {
        self.items = items
        self.nextPageToken = nextPageToken
        self.memo = memo
    }
}
