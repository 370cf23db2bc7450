#pragma once
// Capsule's named lists capsync looks things up in: teams (R4 default_team) and tags.

#include <string_view>
#include <vector>

#include "core/connector/capsule_types.hpp"
#include "core/error/result.hpp"
#include "core/model/party.hpp"

namespace capsync::capsule {

Result<std::vector<model::TeamRef>> parse_teams_body(std::string_view body);
Result<std::vector<model::Tag>> parse_tags_body(std::string_view body);

// GET /site: {"site":{"url":"https://acme.capsulecrm.com","subdomain":"acme","name":"Acme"}}
// (https://developer.capsulecrm.com/v2/operations/Site). The key joins the host of `base_url`
// and the subdomain: the same subdomain on another host is another account.
Result<connector::CapsuleAccount> parse_site_body(std::string_view body, std::string_view base_url);

// The team named exactly `name`; unknown: Errc::invalid_argument listing the teams there are.
Result<model::TeamRef> find_team(const std::vector<model::TeamRef>& teams, std::string_view name);

}  // namespace capsync::capsule
