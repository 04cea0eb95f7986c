/// How a folder reached over TLS (FTPS, S3 over https) checks its server's certificate.
struct CertificateCheck: Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case caFile, verifyCertificate
    }

    /// A PEM file of certificate authorities, instead of the system's.
    var caFile: String?
    /// Whether the server's certificate is checked; turning it off is logged at every start.
    var verifyCertificate = true

    /// Reads the certificate settings of a folder.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        verifyCertificate = try c.decodeIfPresent(Bool.self, forKey: .verifyCertificate) ?? verifyCertificate
    }

    /// The warning logged at every start while the check is off.
    var warnings: [String] { verifyCertificate ? [] : ["certificate checks are off for this folder (verifyCertificate: false)"] }
}
