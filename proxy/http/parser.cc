// RequestParser and ResponseParser: thin owners of the shared HeadParser.
#include "proxy/http/parser.h"

#include "proxy/http/chars.h"
#include "proxy/http/head_parser.h"

namespace kha::proxy::http {

RequestParser::RequestParser(Limits limits)
    : impl_(std::make_unique<detail::HeadParser>(true, limits)) {}
RequestParser::~RequestParser() = default;
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;

size_t RequestParser::Feed(const char* data, size_t size) { return impl_->Feed(data, size); }
ParseState RequestParser::state() const { return impl_->state(); }
const RequestHead& RequestParser::head() const { return impl_->request(); }
const ParseError& RequestParser::error() const { return impl_->error(); }
void RequestParser::Reset() { impl_->Reset(); }
void RequestParser::ShrinkToFit() { impl_->ShrinkToFit(); }

ResponseParser::ResponseParser(Limits limits)
    : impl_(std::make_unique<detail::HeadParser>(false, limits)) {}
ResponseParser::~ResponseParser() = default;
ResponseParser::ResponseParser(ResponseParser&&) noexcept = default;
ResponseParser& ResponseParser::operator=(ResponseParser&&) noexcept = default;

void ResponseParser::Expect(bool head_request, bool connect_request) {
  impl_->Expect(head_request, connect_request);
}
size_t ResponseParser::Feed(const char* data, size_t size) { return impl_->Feed(data, size); }
ParseState ResponseParser::state() const { return impl_->state(); }
const ResponseHead& ResponseParser::head() const { return impl_->response(); }
const ParseError& ResponseParser::error() const { return impl_->error(); }
void ResponseParser::Reset() { impl_->Reset(); }
void ResponseParser::ShrinkToFit() { impl_->ShrinkToFit(); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (chars::Lower(a[i]) != chars::Lower(b[i])) return false;
  }
  return true;
}

}  // namespace kha::proxy::http
