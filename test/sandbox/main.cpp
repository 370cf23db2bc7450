// capsync-sandbox: fake Capsule and accounting APIs on loopback for the demo and the
// end-to-end tests. main() only wires the command line to the server and the generator.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "test/sandbox/sandbox.hpp"
#include "test/sandbox/sandbox_server.hpp"
#include "test/sandbox/seed_render.hpp"


int main(int argc, char** argv) {
  using namespace capsync::sandbox;
  CLI::App app{"capsync-sandbox: fake Capsule CRM and Xero APIs for tests"};
  std::string listen = "127.0.0.1:0", ca_out, seed_file, state_out;
  bool tls = false;
  double time_scale = 1.0;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)");
  app.add_flag("--tls", tls, "Serve HTTPS with a generated test CA");
  app.add_option("--ca-out", ca_out, "With --tls: write the CA certificate (PEM) here");
  app.add_option("--seed", seed_file, "Seed document (JSON) to load");
  app.add_option("--time-scale", time_scale, "Compress provider durations by this factor")->check(CLI::PositiveNumber);
  app.add_option("--state-out", state_out, "Write the final state (JSON) here on exit");

  GeneratorOptions generate;
  std::string currencies = "GBP,EUR,USD";
  auto* gen = app.add_subcommand("generate", "Write a deterministic seed document to stdout");
  gen->add_option("--seed", generate.seed, "Random seed");
  gen->add_option("--parties", generate.parties, "Capsule parties");
  gen->add_option("--contacts", generate.contacts, "Accounting contacts");
  gen->add_option("--invoices", generate.invoices, "Accounting invoices");
  gen->add_option("--quotes", generate.quotes, "Sales quotes (estimates), a few per customer");
  gen->add_option("--currencies", currencies, "Comma-separated currency codes");
  int accounts = 0;
  gen->add_option("--accounts", accounts,
                  "Capsule accounts besides the first, copies of its data, each with its own token "
                  "(capsule-sandbox-token-1 ... -N)");
  std::string provider = "xero";
  gen->add_option("--provider", provider, "Accounting provider whose section is written")
      ->check(CLI::IsMember({"xero", "freeagent", "sage", "freshbooks", "kashflow"}));
  CLI11_PARSE(app, argc, argv);

  if (gen->parsed()) {
    generate.currencies.clear();
    std::stringstream list(currencies);
    for (std::string code; std::getline(list, code, ',');)
      if (!code.empty()) generate.currencies.push_back(code);
    if (generate.currencies.empty()) generate.currencies.push_back("GBP");
    auto seed = generate_provider_seed(generate, provider);
    if (seed && accounts > 0) seed = with_capsule_accounts(*seed, accounts);
    if (!seed) {
      fmt::print(stderr, "cannot generate a {} seed\n", provider);
      return 1;
    }
    std::fwrite(seed->data(), 1, seed->size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }

  ServerOptions options;
  if (auto parsed = parse_listen(listen, options); !parsed) {
    fmt::print(stderr, "{}\n", parsed.error().message());
    return 2;
  }
  if (tls && ca_out.empty()) {
    fmt::print(stderr, "--tls needs --ca-out FILE\n");
    return 2;
  }
  options.tls = tls;
  options.ca_out = ca_out;

  auto sandbox = make_sandbox(time_scale);
  SandboxServer server(*sandbox, options);
  auto base_url = server.start();
  if (!base_url) {
    fmt::print(stderr, "{}\n", base_url.error().message());
    return 1;
  }
  sandbox->context().base_url = *base_url;
  if (auto loaded = sandbox->load_seed_file(seed_file); !loaded) {
    fmt::print(stderr, "Failed to load seed: {}\n", loaded.error().message());
    return 2;
  }
  std::cout << *base_url << std::endl;  // the one ready line; endl flushes
  server.run();

  if (!state_out.empty()) {
    std::ofstream out(state_out, std::ios::binary | std::ios::trunc);
    out << sandbox->state_json();
    if (!out.flush()) {
      fmt::print(stderr, "Failed to write state to {}\n", state_out);
      return 1;
    }
  }
  return 0;
}
