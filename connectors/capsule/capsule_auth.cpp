#include "connectors/capsule/capsule_auth.hpp"

namespace capsync::capsule {

CapsuleAuth::CapsuleAuth(PersonalToken& personal, connector::TokenSource* oauth, Authorized authorized)
    : personal_(personal), oauth_(oauth), authorized_(std::move(authorized)) {
  reload();
}

boost::asio::awaitable<Result<Secret>> CapsuleAuth::access_token() { co_return co_await current().access_token(); }

void CapsuleAuth::reload() { use_oauth_ = oauth_ != nullptr && authorized_ && authorized_(); }

}  // namespace capsync::capsule
