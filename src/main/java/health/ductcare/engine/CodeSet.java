package health.ductcare.engine;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A named set of codes; an entry matches exactly, or by code prefix (e.g. ATC "J01" for all
 * systemic antibacterials).
 */
public record CodeSet(String name, Set<Code> exact, List<Code> prefixes) {

    public CodeSet {
        Objects.requireNonNull(name, "name");
        exact = Set.copyOf(exact);
        prefixes = List.copyOf(prefixes);
    }

    public static CodeSet empty(String name) {
        return new CodeSet(name, Set.of(), List.of());
    }

    public boolean matches(Code code) {
        if (code == null || code.system() == null || code.code() == null) {
            return false;
        }
        if (exact.contains(code)) {
            return true;
        }
        return prefixes.stream()
                .anyMatch(p -> p.system().equals(code.system()) && code.code().startsWith(p.code()));
    }

    public boolean matchesAny(Collection<Code> codes) {
        return codes != null && codes.stream().anyMatch(this::matches);
    }

    public List<Code> matching(Collection<Code> codes) {
        return codes == null ? List.of() : codes.stream().filter(this::matches).toList();
    }
}
