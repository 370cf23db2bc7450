#pragma once
// CapsuleClient: the CapsuleConnector for Capsule CRM API v2.
//  - lists: perPage=100, embed=fields,tags, next page from the Link header; `since` is sent
//    one second before the cursor (Capsule filters "changed after") and older items are
//    dropped here, so callers get exactly ">= cursor". A parties page says when Capsule
//    answered it (its Date header, Page::answered_at): the engine's cursor starts from there.
//  - writes: POST /parties, PUT /parties/{id} with nested arrays diffed by item id.
//  - a 401 re-reads the token (PersonalToken::invalidate) and retries once; a second 401 is
//    reported as Errc::unauthorized. 429 carries X-RateLimit-Reset.

#include <optional>
#include <string>

#include "connectors/capsule/rest_hooks.hpp"
#include "core/connector/capsule_connector.hpp"
#include "core/connector/http_sender.hpp"
#include "core/connector/token_source.hpp"

namespace capsync::capsule {

struct CapsuleSettings {
  std::string base_url = "https://api.capsulecrm.com";  // requests go to <base>/api/v2/…
  int per_page = 100;                                   // Capsule's maximum
  std::chrono::milliseconds timeout{30000};
  http::RequestGate* gate = nullptr;                    // the connection's Capsule rate limiter
};

class CapsuleClient final : public connector::CapsuleConnector {
 public:
  CapsuleClient(connector::HttpSender& http, connector::TokenSource& tokens, CapsuleSettings settings);
  CapsuleClient(const CapsuleClient&) = delete;
  CapsuleClient& operator=(const CapsuleClient&) = delete;

  boost::asio::awaitable<Result<connector::Page<model::Party>>> list_parties(
      connector::ListRequest request) override;
  boost::asio::awaitable<Result<std::vector<connector::DeletedParty>>> list_deleted_parties(
      model::Timestamp since) override;
  boost::asio::awaitable<Result<model::Party>> get_party(model::PartyId id) override;
  boost::asio::awaitable<Result<std::vector<model::Party>>> get_parties(
      std::span<const model::PartyId> ids) override;
  boost::asio::awaitable<Result<model::Party>> create_party(const model::PartySpec& spec) override;
  boost::asio::awaitable<Result<model::Party>> update_party(const model::Party& current,
                                                            const connector::PartyPatch& patch) override;
  boost::asio::awaitable<Result<std::vector<connector::FieldDefinition>>> field_definitions() override;
  boost::asio::awaitable<Result<std::int64_t>> resolve_field(std::string_view name,
                                                             connector::FieldType type) override;
  boost::asio::awaitable<Result<model::TeamRef>> resolve_team(std::string_view name) override;
  boost::asio::awaitable<Result<std::vector<model::Tag>>> list_tags() override;
  boost::asio::awaitable<Result<connector::CapsuleAccount>> account() override;
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_notes(model::PartyId party) override;
  boost::asio::awaitable<Result<connector::Note>> create_note(model::PartyId party,
                                                              std::string_view content) override;
  boost::asio::awaitable<Result<connector::Note>> update_note(std::int64_t note_id,
                                                              std::string_view content) override;
  boost::asio::awaitable<Status> delete_note(std::int64_t note_id) override;
  // GET /opportunities?since=&embed=party,milestone,fields,tags, since as for parties.
  boost::asio::awaitable<Result<connector::Page<model::Opportunity>>> list_opportunities(
      connector::ListRequest request) override;
  boost::asio::awaitable<Result<std::vector<connector::DeletedParty>>> list_deleted_opportunities(
      model::Timestamp since) override;
  // GET /pipelines, then /pipelines/{id}/milestones for each.
  boost::asio::awaitable<Result<std::vector<model::Milestone>>> list_milestones() override;
  boost::asio::awaitable<Result<model::Opportunity>> get_opportunity(model::OpportunityId id) override;
  // GET /opportunities/{id}/entries; POST /entries on the opportunity; PUT /opportunities/{id}.
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_opportunity_notes(
      model::OpportunityId id) override;
  boost::asio::awaitable<Result<connector::Note>> create_opportunity_note(model::OpportunityId id,
                                                                          std::string_view content) override;
  boost::asio::awaitable<Status> tag_opportunity(model::OpportunityId id, std::string_view name) override;

  // REST hooks (rest_hooks.hpp); Capsule manages them only for a registered app's OAuth token
  // and lists only that app's.
  boost::asio::awaitable<Result<std::vector<RestHook>>> list_rest_hooks();
  boost::asio::awaitable<Result<RestHook>> subscribe_rest_hook(const RestHook& hook);
  boost::asio::awaitable<Status> unsubscribe_rest_hook(std::int64_t id);

 private:
  http::Request request(http::Method method, std::string path_and_query) const;
  http::Request request_url(http::Method method, std::string url) const;
  // Sends with the bearer token; one retry after a 401. Non-2xx is mapped to an Error naming `what`.
  boost::asio::awaitable<Result<http::Response>> call(http::Request request, std::string_view what);
  // The notes of /{entity}/{id}/entries, every page; POST /entries of `body`.
  boost::asio::awaitable<Result<std::vector<connector::Note>>> list_entries_of(std::string_view entity,
                                                                               std::int64_t id, std::string what);
  boost::asio::awaitable<Result<connector::Note>> create_entry(std::string body, std::string what);
  // Follows Link rel="next" from `first` and returns every page's body.
  boost::asio::awaitable<Result<std::vector<std::string>>> all_pages(std::string first, std::string_view what);

  // Owned by the executor's thread, like the client itself.
  connector::HttpSender& http_;
  connector::TokenSource& tokens_;
  CapsuleSettings settings_;
  std::optional<connector::CapsuleAccount> account_;  // once read
};

}  // namespace capsync::capsule
