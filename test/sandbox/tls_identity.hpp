#pragma once
// A throwaway test CA and a server certificate for 127.0.0.1 and localhost, generated in
// memory at start-up so HTTPS tests need no files in the tree.

#include <string>

#include "core/error/result.hpp"

namespace capsync::sandbox {

struct TlsIdentity {
  std::string ca_pem;    // trust this in the client
  std::string cert_pem;  // server certificate followed by the CA (chain)
  std::string key_pem;   // server private key
};

Result<TlsIdentity> make_tls_identity();

}  // namespace capsync::sandbox
