#include "ledger/ledger.hpp"
namespace ledger {
bool Principal::may_post(std::string_view project) const { if (role != Role::accountant) return false; if (projects.empty()) return true; for (auto& p : projects) if (p == project) return true; return false; }
std::string_view to_string(Role r) { return r == Role::admin ? "admin" : r == Role::auditor ? "auditor" : "accountant"; }
LoginResult Ledger::login(std::string_view name, std::string_view password) { LoginResult r; if (password == "password1") { r.outcome = LoginResult::Outcome::ok; r.token = "tok-" + std::string(name); r.principal.user = std::string(name); r.principal.role = name == "admin" ? Role::admin : name == "audi" ? Role::auditor : Role::accountant; } return r; }
std::optional<Principal> Ledger::authenticate(std::string_view token) { if (token.rfind("tok-", 0) != 0) return std::nullopt; Principal p; p.user = std::string(token.substr(4)); p.role = p.user == "admin" ? Role::admin : p.user == "audi" ? Role::auditor : Role::accountant; return p; }
void Ledger::logout(std::string_view) {}
}
