#pragma once
// FullDiskVfs: the default SQLite VFS, except that while `full` is set every write fails with
// SQLITE_FULL, as on a file system that has run out of space. It is the default VFS while it
// lives, so the databases opened meanwhile (Database::open) use it. One at a time.

#include <sqlite3.h>

#include <cstddef>

namespace capsync::test {

class FullDiskVfs final {
 public:
  FullDiskVfs() : base_(sqlite3_vfs_find(nullptr)), vfs_(*base_) {
    vfs_.zName = "capsync-test-full-disk";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + base_->szOsFile;
    vfs_.pAppData = this;
    vfs_.xOpen = &open;
    sqlite3_vfs_register(&vfs_, 1);
  }
  FullDiskVfs(const FullDiskVfs&) = delete;
  FullDiskVfs& operator=(const FullDiskVfs&) = delete;
  ~FullDiskVfs() { sqlite3_vfs_unregister(&vfs_); }

  bool full = false;
  int refused_writes = 0;

 private:
  // Our file, followed in the same allocation by the default VFS's file it forwards to.
  struct File {
    sqlite3_file base;
    FullDiskVfs* owner;
  };
  static_assert(sizeof(File) % 8 == 0, "the forwarded file must stay aligned");

  static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<sqlite3_file*>(reinterpret_cast<File*>(f) + 1); }
  static const sqlite3_io_methods* m(sqlite3_file* f) { return real(f)->pMethods; }

  static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    auto* self = static_cast<FullDiskVfs*>(vfs->pAppData);
    auto* file = reinterpret_cast<File*>(f);
    file->base.pMethods = nullptr;
    file->owner = self;
    const int rc = self->base_->xOpen(self->base_, name, real(f), flags, out_flags);
    if (rc == SQLITE_OK && real(f)->pMethods != nullptr) file->base.pMethods = &methods;
    return rc;
  }
  static int write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    auto* owner = reinterpret_cast<File*>(f)->owner;
    if (owner->full) {
      ++owner->refused_writes;
      return SQLITE_FULL;
    }
    return m(f)->xWrite(real(f), data, amount, offset);
  }
  static int close(sqlite3_file* f) { return m(f)->xClose(real(f)); }
  static int read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
    return m(f)->xRead(real(f), data, amount, offset);
  }
  static int truncate(sqlite3_file* f, sqlite3_int64 size) { return m(f)->xTruncate(real(f), size); }
  static int sync(sqlite3_file* f, int flags) { return m(f)->xSync(real(f), flags); }
  static int file_size(sqlite3_file* f, sqlite3_int64* size) { return m(f)->xFileSize(real(f), size); }
  static int lock(sqlite3_file* f, int level) { return m(f)->xLock(real(f), level); }
  static int unlock(sqlite3_file* f, int level) { return m(f)->xUnlock(real(f), level); }
  static int check_reserved(sqlite3_file* f, int* out) { return m(f)->xCheckReservedLock(real(f), out); }
  static int file_control(sqlite3_file* f, int op, void* arg) { return m(f)->xFileControl(real(f), op, arg); }
  static int sector_size(sqlite3_file* f) { return m(f)->xSectorSize(real(f)); }
  static int device(sqlite3_file* f) { return m(f)->xDeviceCharacteristics(real(f)); }
  static int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return m(f)->xShmMap(real(f), region, size, extend, out);
  }
  static int shm_lock(sqlite3_file* f, int offset, int n, int flags) { return m(f)->xShmLock(real(f), offset, n, flags); }
  static void shm_barrier(sqlite3_file* f) { m(f)->xShmBarrier(real(f)); }
  static int shm_unmap(sqlite3_file* f, int remove) { return m(f)->xShmUnmap(real(f), remove); }
  static int fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return m(f)->xFetch(real(f), offset, amount, out);
  }
  static int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) { return m(f)->xUnfetch(real(f), offset, page); }

  static constexpr sqlite3_io_methods methods{3,           &close,     &read,          &write,      &truncate,
                                              &sync,       &file_size, &lock,          &unlock,     &check_reserved,
                                              &file_control, &sector_size, &device,    &shm_map,    &shm_lock,
                                              &shm_barrier, &shm_unmap, &fetch,        &unfetch};

  sqlite3_vfs* base_;
  sqlite3_vfs vfs_;
};

}  // namespace capsync::test
