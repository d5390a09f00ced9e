// serve/pages.cpp — the HTML pages of api.md "Pages".
#include "service.hpp"

namespace fundflow::serve {

void add_pages(httplib::Server& server, Service& service) {
    service.route(server, "GET", "/", Access::anyone, [](Call& call) {
        call.res.status = 303;
        call.res.set_header("Location", call.who ? "/projects" : "/login");
    });
}

}  // namespace fundflow::serve
