// The one error type of the apply step: a message ready to print. When it
// comes out of a change, everything that change did was already rolled back.
#pragma once

#include <stdexcept>

namespace kha::apply {

class ApplyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kha::apply
