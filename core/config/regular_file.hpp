#pragma once
// Reading a file an operator named (the config, a secret): only a regular file, and only up to
// a size limit, so a FIFO, a device or a huge file is refused instead of hanging or exhausting
// memory.

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "core/error/result.hpp"

namespace capsync::config {

struct FileContent {
  std::string bytes;
  mode_t mode = 0;  // of the file read, for permission checks
};

// The whole content of the regular file at path. Opening never blocks (O_NONBLOCK, so a FIFO
// without a writer is refused, not waited on). Fails with Errc::io when the file cannot be
// opened or read, Errc::invalid_argument when it is not a regular file or holds more than
// max_bytes. The message is the reason alone, for the caller to prefix with what the file is:
// an io error's is strerror ("No such file or directory"), the others read "is a directory,
// not a regular file" or "is larger than 65536 bytes".
Result<FileContent> read_regular_file(const std::string& path, std::size_t max_bytes);

}  // namespace capsync::config
