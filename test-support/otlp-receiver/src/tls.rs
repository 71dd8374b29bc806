//! TLS in front of the receiver: a loopback listener that completes the TLS handshake
//! (rustls, with the fixture certificates of `fixtures/tls`) and relays the decrypted bytes
//! to the plain server, so gRPC and HTTP/protobuf are served over TLS alike and the
//! receiver records the same requests.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::Shared;

/// The TLS a receiver serves with: its certificate chain and key and, for mutual TLS, the
/// CA whose client certificates it requires.
#[derive(Clone, Debug)]
pub struct ServerTls {
    /// The receiver's certificate chain (PEM).
    pub certificate_pem: Vec<u8>,
    /// The receiver's private key (PEM).
    pub key_pem: Vec<u8>,
    /// When set, a client certificate signed by this CA (PEM) is required.
    pub client_ca_pem: Option<Vec<u8>>,
}

/// The path of a fixture file in `fixtures/tls`: `ca.pem` (the test CA), `server.pem` and
/// `server.key` (the receiver's, for 127.0.0.1 and localhost), `client.pem` and
/// `client.key` (a client certificate for mutual TLS). All signed by the test CA.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls")
        .join(name)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("otlp-receiver: read the fixture {}: {e}", path.display()))
}

impl ServerTls {
    /// The fixture certificate for 127.0.0.1, signed by the test CA (`ca.pem`); no client
    /// certificate asked for.
    pub fn fixture() -> ServerTls {
        ServerTls {
            certificate_pem: fixture("server.pem"),
            key_pem: fixture("server.key"),
            client_ca_pem: None,
        }
    }

    /// [`fixture`](ServerTls::fixture), requiring a client certificate signed by the test CA
    /// (mutual TLS).
    pub fn fixture_mutual() -> ServerTls {
        ServerTls {
            client_ca_pem: Some(fixture("ca.pem")),
            ..ServerTls::fixture()
        }
    }

    /// The rustls acceptor: ALPN `h2` and `http/1.1`, so gRPC and HTTP clients both agree.
    pub(crate) fn acceptor(&self) -> io::Result<TlsAcceptor> {
        let invalid =
            |e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
        let chain = CertificateDer::pem_slice_iter(&self.certificate_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(&e))?;
        let key = PrivateKeyDer::from_pem_slice(&self.key_pem).map_err(|e| invalid(&e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(&e))?;
        let builder = match &self.client_ca_pem {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for certificate in CertificateDer::pem_slice_iter(ca) {
                    roots
                        .add(certificate.map_err(|e| invalid(&e))?)
                        .map_err(|e| invalid(&e))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|e| invalid(&e))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|e| invalid(&e))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// One TLS handshake the receiver saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsHandshake {
    /// Whether it completed (a client that does not trust the receiver's certificate, or
    /// that has no client certificate when one is required, fails it).
    pub completed: bool,
    /// Whether the client presented a certificate.
    pub client_certificate: bool,
}

/// Accepts TLS connections on `front` and relays each to the plain server at `inner`.
pub(crate) async fn relay(
    front: tokio::net::TcpListener,
    acceptor: TlsAcceptor,
    inner: SocketAddr,
    store: Shared,
) {
    loop {
        let Ok((tcp, _)) = front.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        let store = store.clone();
        tokio::spawn(async move {
            let mut tls = match acceptor.accept(tcp).await {
                Ok(tls) => tls,
                Err(_) => {
                    store.lock().handshakes.push(TlsHandshake {
                        completed: false,
                        client_certificate: false,
                    });
                    return;
                }
            };
            let client_certificate = tls.get_ref().1.peer_certificates().is_some();
            store.lock().handshakes.push(TlsHandshake {
                completed: true,
                client_certificate,
            });
            if let Ok(mut plain) = tokio::net::TcpStream::connect(inner).await {
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            }
        });
    }
}
