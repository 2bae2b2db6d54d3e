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

    /**
     * True when some code is in a system this set matches by prefix (a classification such as ATC, where the
     * set names whole branches) and none of the codes is in the set: the classification has placed the item
     * elsewhere.
     */
    public boolean classifiesOutside(Collection<Code> codes) {
        if (codes == null || matchesAny(codes)) {
            return false;
        }
        return codes.stream().anyMatch(code -> code != null && code.code() != null
                && prefixes.stream().anyMatch(p -> p.system().equals(code.system())));
    }

    public List<Code> matching(Collection<Code> codes) {
        return codes == null ? List.of() : codes.stream().filter(this::matches).toList();
    }
}
