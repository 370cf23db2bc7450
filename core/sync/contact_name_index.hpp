#pragma once
// ContactNameIndex: the accounting side's contact names, so capsync never creates or renames
// a contact to a name that already exists there (R13). The daemon implements it over its
// store; InMemoryContactNameIndex serves tests and plan. A failed read returns the store's
// error, never "no such name".

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"

namespace capsync::sync {

class ContactNameIndex {
 public:
  virtual ~ContactNameIndex() = default;
  // Remote ids of active accounting contacts whose name has this exact key (model::exact_key).
  virtual Result<std::vector<std::string>> find_by_exact_key(std::string_view key) const = 0;
  // Remote ids of active accounting contacts whose name has this near key (model::near_key,
  // R17), exact matches included.
  virtual Result<std::vector<std::string>> find_by_near_key(std::string_view key) const = 0;
};

class InMemoryContactNameIndex final : public ContactNameIndex {
 public:
  void add(std::string remote_id, std::string_view name);
  void remove(std::string_view remote_id);
  Result<std::vector<std::string>> find_by_exact_key(std::string_view key) const override;
  Result<std::vector<std::string>> find_by_near_key(std::string_view key) const override;

 private:
  struct Keys {
    std::string exact;
    std::string near;
  };
  std::map<std::string, Keys, std::less<>> keys_;  // remote id -> name keys
};

}  // namespace capsync::sync
