package health.ductcare.security;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import health.ductcare.fhir.FhirFormat;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Cheap checks on a request body before the parser and the validator see it: no DTDs or entity declarations in
 * XML (XXE, billion laughs), bounded nesting depth in JSON and XML, and a bounded number of Bundle entries.
 * Each failure is a 4xx with an OperationOutcome, never a parser crash or a stack overflow.
 */
@Singleton
public class InputLimits {

    private final int maxDepth;
    private final int maxBundleEntries;

    public InputLimits(@ConfigProperty(name = "ductcare.fhir.max-nesting-depth", defaultValue = "100") int maxDepth,
            @ConfigProperty(name = "ductcare.fhir.max-bundle-entries", defaultValue = "1000") int maxBundleEntries) {
        this.maxDepth = maxDepth;
        this.maxBundleEntries = maxBundleEntries;
    }

    /** Before parsing: the text of a body in the given format. */
    public void checkText(String text, FhirFormat format) {
        if (format == FhirFormat.XML) {
            if (text.contains("<!DOCTYPE") || text.contains("<!ENTITY")) {
                throw new InvalidRequestException("XML with a DOCTYPE or entity declarations is not accepted");
            }
            checkDepth(xmlDepth(text));
        } else {
            checkDepth(jsonDepth(text));
        }
    }

    /** After parsing, before validation: the size of a Bundle (nested Bundles count too). */
    public void checkParsed(IBaseResource resource) {
        if (resource instanceof Bundle bundle) {
            int entries = countEntries(bundle, 0);
            if (entries > maxBundleEntries) {
                throw new PayloadTooLargeException("The Bundle has " + entries + " entries; this server accepts at most "
                        + maxBundleEntries + " per request: split it into smaller Bundles");
            }
        }
    }

    public int maxBundleEntries() {
        return maxBundleEntries;
    }

    private int countEntries(Bundle bundle, int sofar) {
        int count = sofar + bundle.getEntry().size();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (count > maxBundleEntries) {
                break;
            }
            if (entry.getResource() instanceof Bundle nested) {
                count = countEntries(nested, count);
            }
        }
        return count;
    }

    private void checkDepth(int depth) {
        if (depth > maxDepth) {
            throw new InvalidRequestException("The body is nested deeper than " + maxDepth + " levels");
        }
    }

    /** The deepest nesting of objects and arrays, stopping early once over the limit. */
    int jsonDepth(String text) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> {
                    depth++;
                    if (depth > deepest) {
                        deepest = depth;
                        if (deepest > maxDepth) {
                            return deepest;
                        }
                    }
                }
                case '}', ']' -> depth--;
                default -> {
                }
            }
        }
        return deepest;
    }

    /** The deepest element nesting, skipping comments, CDATA, processing instructions and quoted attribute values. */
    int xmlDepth(String text) {
        int depth = 0;
        int deepest = 0;
        int i = 0;
        int length = text.length();
        while (i < length) {
            int open = text.indexOf('<', i);
            if (open < 0 || open + 1 >= length) {
                break;
            }
            char next = text.charAt(open + 1);
            if (text.startsWith("<!--", open)) {
                i = skipPast(text, open, "-->");
            } else if (text.startsWith("<![CDATA[", open)) {
                i = skipPast(text, open, "]]>");
            } else if (next == '?' || next == '!') {
                i = skipPast(text, open, ">");
            } else if (next == '/') {
                depth--;
                i = skipPast(text, open, ">");
            } else {
                int end = tagEnd(text, open + 1);
                if (end < 0) {
                    break;
                }
                if (text.charAt(end - 1) != '/') {
                    depth++;
                    if (depth > deepest) {
                        deepest = depth;
                        if (deepest > maxDepth) {
                            return deepest;
                        }
                    }
                }
                i = end + 1;
            }
        }
        return deepest;
    }

    private static int skipPast(String text, int from, String terminator) {
        int end = text.indexOf(terminator, from);
        return end < 0 ? text.length() : end + terminator.length();
    }

    /** The index of the {@code >} closing a start tag, with '>' allowed inside quoted attribute values. */
    private static int tagEnd(String text, int from) {
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }
}
