# Function-style harness for Ruby: JSON arguments on stdin, the JSON result on stdout.
#
# Run as `ruby --disable-gems harness.rb <function>` next to the learner's
# main.rb. The learner's own output goes to stderr (both $stdout and fd 1, so a
# `system` child cannot reach the real stdout either): stdout carries nothing
# but the result, one line of compact JSON, as every harness prints it.

require "json"

def onelog_snake(name)
  name.gsub(/(?<!^)(?=[A-Z])/, "_").downcase
end

# Only a method main.rb defined counts: `search` or `merge` must never resolve
# to something Kernel or Object already has when the learner forgot to define it.
def onelog_from_main?(method)
  location = method.source_location
  !location.nil? && File.basename(location.first) == "main.rb"
end

def onelog_find(name)
  candidates = [name, onelog_snake(name)].uniq
  candidates.each do |candidate|
    found = begin
      Object.instance_method(candidate)
    rescue NameError
      nil
    end
    return found.bind(self) if found && onelog_from_main?(found)
  end
  return nil unless Object.const_defined?(:Solution) && Solution.is_a?(Class)

  candidates.each do |candidate|
    if Solution.method_defined?(candidate) || Solution.private_method_defined?(candidate)
      found = Solution.new.method(candidate)
      return found if onelog_from_main?(found)
    end
    if Solution.respond_to?(candidate)
      found = Solution.method(candidate)
      return found if onelog_from_main?(found)
    end
  end
  nil
end

name = ARGV.fetch(0)
args = JSON.parse($stdin.read)
result_out = STDOUT.dup
STDOUT.reopen(STDERR)
$stdout = STDERR
load File.expand_path("main.rb")
function = onelog_find(name)
if function.nil?
  warn "harness: no method #{name} (or #{onelog_snake(name)}) in main.rb, nor in class Solution"
  exit 1
end
result = function.call(*args)
$stdout = result_out
result_out.write(JSON.generate(result), "\n")
result_out.flush
