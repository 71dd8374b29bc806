//! TLS to the collector, for `https://` endpoints: the certificates the collector's is
//! verified against (the webpki roots, or the configured CA file) and, for mutual TLS, the
//! client's certificate and key, for the gRPC channel (tonic) and the HTTP client (reqwest).
//!
//! The PEM files of [`TlsFiles`] are read and parsed when the exporter is built, so a
//! missing file or one that holds no certificate is reported by `init()` (`TR-W006`, the
//! signal off) instead of failing every export later.

use crate::config::{SignalConfig, TlsFiles, is_https};

use super::otlp::BuildError;

/// The contents of the configured PEM files, checked.
#[cfg(feature = "tls")]
struct Pem {
    /// The trusted certificates (`..._CERTIFICATE`).
    certificate: Option<Vec<u8>>,
    /// The client's certificate chain and key (`..._CLIENT_CERTIFICATE`, `..._CLIENT_KEY`).
    identity: Option<(Vec<u8>, Vec<u8>)>,
}

#[cfg(feature = "tls")]
impl Pem {
    fn read(files: &TlsFiles) -> Result<Pem, BuildError> {
        let certificate = files
            .certificate
            .as_deref()
            .map(|path| read_certificates(path, "trusted certificate"))
            .transpose()?;
        let identity = match (&files.client_certificate, &files.client_key) {
            (Some(certificate), Some(key)) => Some((
                read_certificates(certificate, "client certificate")?,
                read_key(key)?,
            )),
            _ => None,
        };
        Ok(Pem {
            certificate,
            identity,
        })
    }
}

#[cfg(feature = "tls")]
fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, BuildError> {
    std::fs::read(path)
        .map_err(|e| format!("cannot read the {what} file `{}`: {e}", path.display()))
}

/// A PEM file that holds at least one certificate and nothing unreadable.
#[cfg(feature = "tls")]
fn read_certificates(path: &std::path::Path, what: &str) -> Result<Vec<u8>, BuildError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let pem = read_file(path, what)?;
    let mut count = 0;
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        certificate
            .map_err(|e| format!("the {what} file `{}` is not valid PEM: {e}", path.display()))?;
        count += 1;
    }
    if count == 0 {
        return Err(format!(
            "the {what} file `{}` holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(pem)
}

/// A PEM file that holds a private key (PKCS #8, PKCS #1 or SEC1). The error never quotes
/// the file's contents.
#[cfg(feature = "tls")]
fn read_key(path: &std::path::Path) -> Result<Vec<u8>, BuildError> {
    use rustls_pki_types::PrivateKeyDer;
    use rustls_pki_types::pem::PemObject;
    let pem = read_file(path, "client key")?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| {
        format!(
            "the client key file `{}` holds no PEM private key: {e}",
            path.display()
        )
    })?;
    Ok(pem)
}

/// TLS of a gRPC channel to `endpoint`, `None` for plain `http://`: the configured CA alone
/// when one is set, else the webpki roots (`opentelemetry-otlp` alone would configure TLS
/// without any root, and refuse every collector's certificate as of an unknown issuer); the
/// client identity for mutual TLS.
#[cfg(feature = "tls")]
pub(crate) fn grpc(
    endpoint: &str,
    files: &TlsFiles,
) -> Result<Option<tonic::transport::ClientTlsConfig>, BuildError> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    if !is_https(endpoint) {
        return Ok(None);
    }
    let pem = Pem::read(files)?;
    let mut tls = ClientTlsConfig::new();
    tls = match pem.certificate {
        Some(certificate) => tls.ca_certificate(Certificate::from_pem(certificate)),
        None => tls.with_enabled_roots(),
    };
    if let Some((certificate, key)) = pem.identity {
        tls = tls.identity(Identity::from_pem(certificate, key));
    }
    Ok(Some(tls))
}

/// Without the `tls` feature an `https://` endpoint fails when the exporter is built.
#[cfg(not(feature = "tls"))]
pub(crate) fn grpc(endpoint: &str, _files: &TlsFiles) -> Result<Option<()>, BuildError> {
    refuse_https(endpoint).map(|()| None)
}

#[cfg(not(feature = "tls"))]
fn refuse_https(endpoint: &str) -> Result<(), BuildError> {
    if is_https(endpoint) {
        return Err(format!(
            "the endpoint `{}` is https: enable the `tls` feature of telemetry-runtime",
            crate::redaction_rules::scrub_userinfo(endpoint)
        ));
    }
    Ok(())
}

/// The HTTP client of an OTLP/HTTP exporter: each request abandoned after the export
/// timeout; for an `https://` endpoint, the configured CA alone when one is set (else the
/// roots reqwest trusts by default) and the client identity for mutual TLS.
#[cfg(feature = "tls")]
pub(crate) fn http_client(config: &SignalConfig) -> Result<reqwest_otlp::Client, BuildError> {
    let mut builder = reqwest_otlp::Client::builder().timeout(config.timeout);
    if is_https(config.endpoint.as_deref().unwrap_or_default()) {
        let pem = Pem::read(&config.tls)?;
        if let Some(certificate) = pem.certificate {
            let certificates = reqwest_otlp::Certificate::from_pem_bundle(&certificate)
                .map_err(|e| format!("the trusted certificate file: {e}"))?;
            builder = builder.tls_certs_only(certificates);
        }
        if let Some((mut certificate, key)) = pem.identity {
            certificate.push(b'\n');
            certificate.extend_from_slice(&key);
            let identity = reqwest_otlp::Identity::from_pem(&certificate).map_err(|_| {
                "the client certificate and key files: not a usable identity".to_owned()
            })?;
            builder = builder.identity(identity);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// Without the `tls` feature an `https://` endpoint fails when the exporter is built.
#[cfg(not(feature = "tls"))]
pub(crate) fn http_client(config: &SignalConfig) -> Result<reqwest_otlp::Client, BuildError> {
    refuse_https(config.endpoint.as_deref().unwrap_or_default())?;
    reqwest_otlp::Client::builder()
        .timeout(config.timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}
