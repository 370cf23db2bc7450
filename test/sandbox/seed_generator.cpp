#include "test/sandbox/seed_generator.hpp"

namespace capsync::sandbox {

std::string generate_seed(const GeneratorOptions&) { return "{}\n"; }

}  // namespace capsync::sandbox
