#pragma once
// CapsuleConnector: what the job runner asks of Capsule CRM. Implemented by
// connectors/capsule; the reconciler sees only the model types.
// All calls run on the executor's thread; errors name the party and what the operator can do.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/connector/capsule_types.hpp"
#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/opportunity.hpp"
#include "core/model/party.hpp"

namespace capsync::connector {

class CapsuleConnector {
 public:
  virtual ~CapsuleConnector() = default;

  // Parties changed at or after request.cursor (an ISO 8601 instant; empty = all), 100 a page,
  // with custom fields and tags. Page::cursor is the newest updatedAt seen so far.
  virtual boost::asio::awaitable<Result<Page<model::Party>>> list_parties(ListRequest request) = 0;
  // Parties deleted at or after `since` (Capsule requires a since).
  virtual boost::asio::awaitable<Result<std::vector<DeletedParty>>> list_deleted_parties(
      model::Timestamp since) = 0;
  // One party; Errc::not_found when it was deleted.
  virtual boost::asio::awaitable<Result<model::Party>> get_party(model::PartyId id) = 0;
  // Up to 10 parties in one request (more is Errc::invalid_argument); missing ones are left out.
  virtual boost::asio::awaitable<Result<std::vector<model::Party>>> get_parties(
      std::span<const model::PartyId> ids) = 0;

  // Creates a party (R2, R14). Never sets an owner (R4).
  virtual boost::asio::awaitable<Result<model::Party>> create_party(const model::PartySpec& spec) = 0;
  // Applies `patch` to `current` (as last read) with one PUT; returns the party as saved.
  virtual boost::asio::awaitable<Result<model::Party>> update_party(const model::Party& current,
                                                                    const PartyPatch& patch) = 0;

  // Custom field definitions for parties.
  virtual boost::asio::awaitable<Result<std::vector<FieldDefinition>>> field_definitions() = 0;
  // The id of the party field called `name`. Missing, or of another type: Errc::invalid_argument
  // naming the field and the type the operator must create.
  virtual boost::asio::awaitable<Result<std::int64_t>> resolve_field(std::string_view name,
                                                                     FieldType type) = 0;
  // The team called `name` (R4 default_team), with its id; unknown name: Errc::invalid_argument.
  virtual boost::asio::awaitable<Result<model::TeamRef>> resolve_team(std::string_view name) = 0;
  virtual boost::asio::awaitable<Result<std::vector<model::Tag>>> list_tags() = 0;

  // The account behind the token (R28), read once and kept.
  virtual boost::asio::awaitable<Result<CapsuleAccount>> account() = 0;

  // R7: the one invoice note per party. update_note gives Errc::not_found when a person deleted
  // the note; the runner then creates a new one.
  // The notes on a party (other entry types left out), newest first; Errc::not_found when the
  // party was deleted. Lets a retried note create find the note it may already have made.
  virtual boost::asio::awaitable<Result<std::vector<Note>>> list_notes(model::PartyId party) = 0;
  virtual boost::asio::awaitable<Result<Note>> create_note(model::PartyId party,
                                                           std::string_view content) = 0;
  virtual boost::asio::awaitable<Result<Note>> update_note(std::int64_t note_id,
                                                           std::string_view content) = 0;
  virtual boost::asio::awaitable<Status> delete_note(std::int64_t note_id) = 0;

  // Opportunities (R19-R22); the defaults answer Errc::unsupported, for connectors written
  // before quotes. Opportunities changed at or after request.cursor (empty = all), with party,
  // milestone, fields and tags; Page::cursor as for list_parties.
  virtual boost::asio::awaitable<Result<Page<model::Opportunity>>> list_opportunities(ListRequest request);
  // Opportunities deleted at or after `since`.
  virtual boost::asio::awaitable<Result<std::vector<DeletedParty>>> list_deleted_opportunities(model::Timestamp since);
  // Every milestone of every pipeline of the account.
  virtual boost::asio::awaitable<Result<std::vector<model::Milestone>>> list_milestones();
  // One opportunity as list_opportunities reads it; Errc::not_found when it was deleted.
  virtual boost::asio::awaitable<Result<model::Opportunity>> get_opportunity(model::OpportunityId id);
  // R22: the notes on an opportunity (other entry types left out), newest first, so a retried
  // create finds the note it may already have made; update_note changes one.
  virtual boost::asio::awaitable<Result<std::vector<Note>>> list_opportunity_notes(model::OpportunityId id);
  virtual boost::asio::awaitable<Result<Note>> create_opportunity_note(model::OpportunityId id,
                                                                       std::string_view content);
  // R22: adds the tag `name` to the opportunity (Capsule creates a tag it does not know);
  // nothing else of the opportunity changes, its milestone least of all.
  virtual boost::asio::awaitable<Status> tag_opportunity(model::OpportunityId id, std::string_view name);
};

}  // namespace capsync::connector
