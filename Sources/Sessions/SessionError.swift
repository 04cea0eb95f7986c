/// Why a KS cannot be read: not a KS, or not signed by the partner's secrets.
public enum SessionError: Error, Equatable, Sendable {
    /// The KS is refused, with the reason (never the KS itself).
    case invalid(String)
}
