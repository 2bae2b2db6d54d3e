package health.ductcare.protocol;

import health.ductcare.engine.Code;
import health.ductcare.engine.CodeSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Reads a ValueSet's compose into a {@link CodeSet}: listed concepts match exactly, a
 * {@code code regex "<prefix>.*"} filter matches by prefix. Anything else is rejected.
 */
final class CodeSetReader {

    private static final Pattern PREFIX_REGEX = Pattern.compile("((?:[A-Za-z0-9\\-]|\\\\\\.)*)\\.\\*");

    private CodeSetReader() {
    }

    static CodeSet read(String source, ValueSet vs) {
        if (!vs.hasCompose() || vs.getCompose().getInclude().isEmpty()) {
            throw new ProtocolException(source, "ValueSet " + vs.getUrl() + " has no compose.include");
        }
        if (vs.getCompose().hasExclude()) {
            throw new ProtocolException(source, "ValueSet " + vs.getUrl() + ": compose.exclude is not supported");
        }
        Set<Code> exact = new HashSet<>();
        List<Code> prefixes = new ArrayList<>();
        for (ValueSet.ConceptSetComponent include : vs.getCompose().getInclude()) {
            if (!include.hasSystem() || include.hasValueSet()) {
                throw new ProtocolException(source, "ValueSet " + vs.getUrl()
                        + ": every include needs a system and may not include other value sets");
            }
            include.getConcept().forEach(c -> exact.add(new Code(include.getSystem(), c.getCode())));
            for (ValueSet.ConceptSetFilterComponent filter : include.getFilter()) {
                prefixes.add(new Code(include.getSystem(), prefixOf(source, vs, filter)));
            }
        }
        return new CodeSet(vs.getUrl(), exact, prefixes);
    }

    private static String prefixOf(String source, ValueSet vs, ValueSet.ConceptSetFilterComponent filter) {
        var matcher = PREFIX_REGEX.matcher(filter.getValue() == null ? "" : filter.getValue());
        if (!"code".equals(filter.getProperty()) || filter.getOp() != ValueSet.FilterOperator.REGEX
                || !matcher.matches() || matcher.group(1).isEmpty()) {
            throw new ProtocolException(source, "ValueSet " + vs.getUrl() + ": only filters 'code regex <prefix>.*'"
                    + " are supported, found " + filter.getProperty() + " " + filter.getOp() + " " + filter.getValue());
        }
        return matcher.group(1).replace("\\.", ".");
    }
}
