using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Brindle.Testing;

/// <summary>PEM files of a throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate, all signed by that CA.</summary>
public sealed record TestCertificates(string CaCertFile, string ServerCertFile, string ServerKeyFile, string ClientCertFile, string ClientKeyFile)
{
    /// <summary>Generates the certificates in-process (ECDSA P-256) and writes them into <paramref name="directory"/>.</summary>
    public static TestCertificates Generate(string directory)
    {
        Directory.CreateDirectory(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=brindle-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var ca = caRequest.CreateSelfSigned(notBefore, notBefore.AddDays(2));

        var files = new TestCertificates(
            Write(directory, "ca.pem", ca.ExportCertificatePem()),
            System.IO.Path.Combine(directory, "server.pem"), System.IO.Path.Combine(directory, "server-key.pem"),
            System.IO.Path.Combine(directory, "client.pem"), System.IO.Path.Combine(directory, "client-key.pem"));
        Issue(ca, "CN=127.0.0.1", server: true, files.ServerCertFile, files.ServerKeyFile, notBefore);
        Issue(ca, "CN=brindle-test-client", server: false, files.ClientCertFile, files.ClientKeyFile, notBefore);
        return files;
    }

    private static void Issue(X509Certificate2 ca, string subject, bool server, string certFile, string keyFile, DateTimeOffset notBefore)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        // etcd's gateway dials the server with the server's own certificate, so it needs clientAuth too.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            server ? [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")] : [new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var cert = request.Create(ca, notBefore, notBefore.AddDays(1), serial);
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }

    private static string Write(string directory, string name, string content)
    {
        var path = System.IO.Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
