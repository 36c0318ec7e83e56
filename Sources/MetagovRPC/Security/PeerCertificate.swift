import MetagovCore
import SwiftASN1
import X509

extension ClientCertificate {
    /// The subject and alternative names of a DER certificate the TLS layer verified; nil if it does not parse.
    init?(der: [UInt8]) {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        var commonName: String?
        for relative in certificate.subject {
            for attribute in relative where attribute.type == .RDNAttributeType.commonName {
                commonName = commonName ?? String(attribute.value)
            }
        }
        var names: [String] = []
        for name in (try? certificate.extensions.subjectAlternativeNames) ?? nil ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let text), .rfc822Name(let text), .uniformResourceIdentifier(let text): names.append(text)
            case .ipAddress(let bytes):
                let octets = Array(bytes.bytes)
                if octets.count == 4 { names.append(octets.map(String.init).joined(separator: ".")) }
            default: break
            }
        }
        self.init(subject: certificate.subject.description, commonName: commonName, subjectAlternativeNames: names, der: der)
    }
}
