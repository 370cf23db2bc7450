#include "core/connector/capsule_connector.hpp"

namespace capsync::connector {

namespace {
Error no_opportunities() { return Error(Errc::unsupported, "this Capsule connector does not read opportunities"); }
}  // namespace

boost::asio::awaitable<Result<Page<model::Opportunity>>> CapsuleConnector::list_opportunities(ListRequest) {
  co_return no_opportunities();
}

boost::asio::awaitable<Result<std::vector<DeletedParty>>> CapsuleConnector::list_deleted_opportunities(
    model::Timestamp) {
  co_return no_opportunities();
}

boost::asio::awaitable<Result<std::vector<model::Milestone>>> CapsuleConnector::list_milestones() {
  co_return no_opportunities();
}

boost::asio::awaitable<Result<model::Opportunity>> CapsuleConnector::get_opportunity(model::OpportunityId) {
  co_return no_opportunities();
}

boost::asio::awaitable<Result<std::vector<Note>>> CapsuleConnector::list_opportunity_notes(model::OpportunityId) {
  co_return no_opportunities();
}

boost::asio::awaitable<Result<Note>> CapsuleConnector::create_opportunity_note(model::OpportunityId,
                                                                               std::string_view) {
  co_return no_opportunities();
}

boost::asio::awaitable<Status> CapsuleConnector::tag_opportunity(model::OpportunityId, std::string_view) {
  co_return no_opportunities();
}

}  // namespace capsync::connector
