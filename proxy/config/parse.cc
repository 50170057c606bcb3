#include "proxy/config/parse.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <map>
#include <memory>

#include "common/did_you_mean.h"
#include "common/file_util.h"
#include "proxy/config/arguments.h"
#include "proxy/config/directives.h"
#include "proxy/config/lexer.h"
#include "proxy/config/validate.h"

namespace kha::proxy {
namespace {

// Deep enough for any sane layout, shallow enough to stop a runaway chain.
constexpr size_t kMaxIncludeDepth = 16;

constexpr Context kContexts[] = {Context::kGlobal, Context::kListenHttp, Context::kService,
                                 Context::kBackend, Context::kEmergency};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// "A", "A or B", "A, B or C".
std::string JoinAlternatives(const std::vector<std::string_view>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

// Whether `keyword` opens a block somewhere (its body ends with End).
bool OpensBlock(std::string_view keyword) {
  for (Context context : kContexts) {
    for (const Directive& directive : DirectivesOf(context)) {
      if (directive.opens != Context::kNone && EqualsIgnoringCase(directive.name, keyword))
        return true;
    }
  }
  for (const UnsupportedDirective& unsupported : UnsupportedDirectives()) {
    if (unsupported.block && EqualsIgnoringCase(unsupported.name, keyword)) return true;
  }
  return false;
}

// The position just past the last character of `text`.
std::pair<int, int> EndOf(std::string_view text) {
  int line = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  size_t last_newline = text.rfind('\n');
  size_t tail =
      last_newline == std::string_view::npos ? text.size() : text.size() - last_newline - 1;
  return {line, static_cast<int>(tail) + 1};
}

struct Source {
  std::string file;
  std::string dir;  // folder that relative names in this file start from
  std::string canonical;
  std::vector<Statement> statements;
  size_t next = 0;
};

// A pseudo-directive so Include's argument is checked like any other.
const Directive kInclude = {
    "Include", ArgKind::kString,        0, 0, ArgKind::kNone, true, Context::kNone,
    nullptr,   "read another file here"};

class Parser {
 public:
  explicit Parser(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void Run(std::string_view text, const std::string& file, Config& config) {
    end_file_ = file;
    std::tie(end_line_, end_column_) = EndOf(text);
    Push(text, file);
    config.connect_timeout = kInheritSeconds;
    Scope scope;
    scope.config = &config;
    ParseBlock(Context::kGlobal, scope, nullptr);
    config.files = files_;
  }

  // False after a missing End: what belongs to which block is then a guess,
  // so the checks that span blocks would only add noise.
  bool balanced() const { return balanced_; }

 private:
  void Push(std::string_view text, const std::string& file) {
    auto source = std::make_unique<Source>();
    source->file = file;
    source->dir = std::filesystem::path(file).parent_path().string();
    std::error_code error;
    source->canonical = std::filesystem::weakly_canonical(file, error).string();
    if (error) source->canonical = file;
    source->statements = LexConfig(text, file, diagnostics_);
    stack_.push_back(source.get());
    sources_.push_back(std::move(source));
    files_.push_back(file);
  }

  // The next statement across included files; nullptr at the end of input.
  const Statement* Next() {
    while (!stack_.empty()) {
      Source& top = *stack_.back();
      if (top.next < top.statements.size()) return &top.statements[top.next++];
      stack_.pop_back();
    }
    return nullptr;
  }

  void Error(const Statement& at, const Token& token, std::string message, std::string hint = {}) {
    diagnostics_.Error(at.file, token.line, token.column, std::move(message), std::move(hint));
  }

  void ParseBlock(Context context, Scope scope, const Statement* opening) {
    std::map<std::string, const Statement*> seen;
    while (const Statement* statement = Next()) {
      const Token& keyword = statement->keyword;
      if (EqualsIgnoringCase(keyword.text, "End")) {
        CheckNoArguments("End", *statement);
        if (context == Context::kGlobal) {
          Error(*statement, keyword, "unexpected End: no block is open");
          continue;
        }
        return;
      }
      if (EqualsIgnoringCase(keyword.text, "Include")) {
        Include(*statement);
        continue;
      }
      const Directive* directive = Find(context, keyword.text);
      if (directive == nullptr) {
        Misplaced(context, *statement);
        continue;
      }
      if (!directive->repeatable) {
        auto [it, inserted] = seen.emplace(Lower(directive->name), statement);
        if (!inserted) {
          Error(*statement, keyword,
                std::string(directive->name) + " is already set at " +
                    Place(*statement, *it->second));
          if (directive->opens != Context::kNone) SkipBlock(*statement);
          continue;
        }
      }
      std::optional<std::vector<Value>> values = Arguments(*directive, *statement);
      SourceLocation where{statement->file, keyword.line, keyword.column};
      if (directive->opens != Context::kNone) {
        // Open the block even when its name was wrong, so its body is still checked.
        std::vector<Value> none;
        Scope child = scope;
        directive->set(child, values ? *values : none, where);
        ParseBlock(directive->opens, child, statement);
      } else if (values) {
        directive->set(scope, *values, where);
      } else {
        // A wrong argument still counts as given, so the checks after
        // parsing do not report the same line again ("has no Address").
        std::vector<Value> given(1);
        given[0].integer = -1;
        given[0].address.text = "?";
        directive->set(scope, given, where);
      }
    }
    if (opening != nullptr) MissingEnd(*opening);
  }

  static const Directive* Find(Context context, std::string_view keyword) {
    for (const Directive& directive : DirectivesOf(context)) {
      if (EqualsIgnoringCase(directive.name, keyword)) return &directive;
    }
    return nullptr;
  }

  static std::string Place(const Statement& here, const Statement& there) {
    std::string line = "line " + std::to_string(there.keyword.line);
    return here.file == there.file ? line : there.file + " " + line;
  }

  void MissingEnd(const Statement& opening) {
    balanced_ = false;
    std::string place = "line " + std::to_string(opening.keyword.line);
    if (opening.file != end_file_) place = opening.file + " " + place;
    diagnostics_.Error(
        end_file_, end_line_, end_column_,
        "missing End for " + Canonical(opening.keyword.text) + " opened at " + place);
  }

  // The documented spelling of a keyword, else the keyword as written.
  static std::string Canonical(std::string_view keyword) {
    for (Context context : kContexts) {
      if (const Directive* directive = Find(context, keyword)) return std::string(directive->name);
    }
    for (const UnsupportedDirective& unsupported : UnsupportedDirectives()) {
      if (EqualsIgnoringCase(unsupported.name, keyword)) return std::string(unsupported.name);
    }
    return std::string(keyword);
  }

  // Skips the body of a block that cannot be used, up to its End, so one
  // wrong block gives one error rather than one per line.
  void SkipBlock(const Statement& opening) {
    int depth = 1;
    while (const Statement* statement = Next()) {
      if (EqualsIgnoringCase(statement->keyword.text, "End")) {
        if (--depth == 0) return;
      } else if (OpensBlock(statement->keyword.text)) {
        ++depth;
      }
    }
    MissingEnd(opening);
  }

  void CheckNoArguments(std::string_view name, const Statement& statement) {
    if (statement.arguments.empty()) return;
    Error(statement, statement.arguments.front(),
          std::string(name) + " takes no arguments, got " +
              std::to_string(statement.arguments.size()));
  }

  // A keyword not in `context`'s table: known elsewhere, known but not
  // implemented, or unknown (with a did-you-mean hint).
  void Misplaced(Context context, const Statement& statement) {
    const Token& keyword = statement.keyword;
    std::vector<std::string_view> homes;
    std::string name;
    bool block = false;
    for (Context other : kContexts) {
      if (const Directive* directive = Find(other, keyword.text)) {
        homes.push_back(ContextName(other));
        name = directive->name;
        block = block || directive->opens != Context::kNone;
      }
    }
    if (!homes.empty()) {
      Error(statement, keyword,
            name + " is not allowed in " + std::string(ContextName(context)) + " (it belongs in " +
                JoinAlternatives(homes) + ")");
      if (block) SkipBlock(statement);
      return;
    }
    for (const UnsupportedDirective& unsupported : UnsupportedDirectives()) {
      if (EqualsIgnoringCase(unsupported.name, keyword.text)) {
        Error(statement, keyword,
              std::string(unsupported.name) + " " + std::string(unsupported.reason));
        if (unsupported.block) SkipBlock(statement);
        return;
      }
    }
    std::vector<std::string_view> candidates = {"Include"};
    if (context != Context::kGlobal) candidates.push_back("End");
    for (const Directive& directive : DirectivesOf(context)) candidates.push_back(directive.name);
    std::optional<std::string> close = ClosestMatch(keyword.text, candidates);
    Error(statement, keyword,
          "unknown directive \"" + keyword.text + "\" in " + std::string(ContextName(context)),
          close ? "did you mean \"" + *close + "\"?" : std::string());
  }

  // The converted arguments, or nullopt after reporting a wrong count or type.
  std::optional<std::vector<Value>> Arguments(const Directive& directive,
                                              const Statement& statement) {
    const std::vector<Token>& arguments = statement.arguments;
    const std::string name(directive.name);
    const bool takes_one = directive.argument != ArgKind::kNone;
    const bool takes_two = directive.optional_argument != ArgKind::kNone;
    const size_t required = takes_one && directive.argument != ArgKind::kName ? 1 : 0;
    const size_t allowed = (takes_one ? 1 : 0) + (takes_two ? 1 : 0);
    if (arguments.size() < required) {
      const Token& keyword = statement.keyword;
      diagnostics_.Error(
          statement.file, keyword.line, keyword.column + static_cast<int>(keyword.text.size()),
          name + " expects " + DescribeArgument(directive, directive.argument) + ", got nothing");
      return std::nullopt;
    }
    if (arguments.size() > allowed) {
      std::string count = ", got " + std::to_string(arguments.size());
      std::string message = allowed == 0 ? " takes no arguments"
                            : directive.argument == ArgKind::kName
                                ? " takes at most 1 argument (a name)"
                            : takes_two ? " takes 1 or 2 arguments"
                                        : " takes 1 argument";
      Error(statement, arguments[allowed], name + message + count);
      return std::nullopt;
    }
    std::vector<Value> values;
    bool ok = true;
    const std::string& dir = stack_.empty() ? std::string() : stack_.back()->dir;
    for (size_t i = 0; i < arguments.size(); ++i) {
      ArgKind kind = i == 0 ? directive.argument : directive.optional_argument;
      std::optional<Value> value =
          ConvertArgument(directive, kind, arguments[i], statement.file, dir, diagnostics_);
      if (value) {
        values.push_back(std::move(*value));
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return values;
  }

  void Include(const Statement& statement) {
    // The statement came from the top of the stack: its folder is the base.
    std::string base = stack_.empty() ? std::string() : stack_.back()->dir;
    std::optional<std::vector<Value>> values = Arguments(kInclude, statement);
    if (!values) return;
    const Token& argument = statement.arguments.front();
    std::string path = ResolvePath(base, argument.text);
    if (stack_.size() > kMaxIncludeDepth) {
      Error(statement, argument,
            "Include nested more than " + std::to_string(kMaxIncludeDepth) + " levels deep");
      return;
    }
    std::error_code error;
    std::string canonical = std::filesystem::weakly_canonical(path, error).string();
    if (error) canonical = path;
    for (const Source* open : stack_) {
      if (open->canonical == canonical) {
        Error(statement, argument, "Include loop: \"" + argument.text + "\" is already being read");
        return;
      }
    }
    std::string reason;
    std::optional<std::string> text = ReadConfigFile(path, reason);
    if (!text) {
      Error(statement, argument, "cannot read include file \"" + argument.text + "\": " + reason);
      return;
    }
    Push(*text, path);
  }

  Diagnostics& diagnostics_;
  std::vector<std::unique_ptr<Source>> sources_;  // every file read, kept for the statements
  std::vector<Source*> stack_;                    // files being read, innermost last
  std::vector<std::string> files_;
  std::string end_file_;
  int end_line_ = 1;
  int end_column_ = 1;
  bool balanced_ = true;
};

size_t CountErrors(const Diagnostics& diagnostics) {
  return std::count_if(diagnostics.list().begin(), diagnostics.list().end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace

std::optional<Config> ParseConfig(std::string_view text, const std::string& file_name,
                                  Diagnostics& diagnostics) {
  const size_t errors_before = CountErrors(diagnostics);
  Config config;
  Parser parser(diagnostics);
  parser.Run(text, file_name, config);
  ResolveInheritedValues(config);
  if (parser.balanced()) ValidateConfig(config, file_name, diagnostics);
  if (CountErrors(diagnostics) != errors_before) return std::nullopt;
  return config;
}

std::optional<Config> LoadConfig(const std::string& path, Diagnostics& diagnostics) {
  std::string reason;
  std::optional<std::string> text = ReadConfigFile(path, reason);
  if (!text) {
    diagnostics.Error(path, 0, 0, "cannot read the configuration file: " + reason);
    return std::nullopt;
  }
  return ParseConfig(*text, path, diagnostics);
}

DiagnosticStyle PoundDiagnosticStyle() { return DiagnosticStyle{'.', false, false, false}; }

std::string FormatDiagnostics(const Diagnostics& diagnostics, const DiagnosticStyle& style) {
  std::map<std::string, size_t> file_order;
  for (const Diagnostic& d : diagnostics.list()) file_order.emplace(d.file, file_order.size());
  std::vector<Diagnostic> sorted = diagnostics.list();
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    size_t fa = file_order[a.file], fb = file_order[b.file];
    if (fa != fb) return fa < fb;
    // Messages about a whole file (line 0) follow those about its lines.
    int la = a.line == 0 ? INT_MAX : a.line, lb = b.line == 0 ? INT_MAX : b.line;
    return la != lb ? la < lb : a.column < b.column;
  });
  std::map<std::string, std::string> texts;
  std::string out;
  for (const Diagnostic& d : sorted) {
    std::string_view source;
    if (style.show_source && d.line > 0) {
      auto [it, inserted] = texts.emplace(d.file, std::string());
      if (inserted) {
        std::string ignored;
        it->second = ReadConfigFile(d.file, ignored).value_or(std::string());
      }
      source = it->second;
    }
    if (!out.empty()) out += '\n';
    out += FormatDiagnostic(d, source, style);
  }
  return out;
}

}  // namespace kha::proxy
