package health.ductcare.search;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** SQL text with its bind values in order: values are always bound, never written into the text. */
final class Sql {

    final StringBuilder text = new StringBuilder();
    final List<Object> args = new ArrayList<>();

    Sql add(String sql, Object... values) {
        text.append(sql);
        args.addAll(Arrays.asList(values));
        return this;
    }

    Sql add(Sql other) {
        text.append(other.text);
        args.addAll(other.args);
        return this;
    }

    /** {@code (?, ?, ?)} for the values. */
    Sql in(Collection<?> values) {
        text.append('(');
        int i = 0;
        for (Object value : values) {
            text.append(i++ == 0 ? "?" : ", ?");
            args.add(value);
        }
        text.append(')');
        return this;
    }

    boolean isEmpty() {
        return text.length() == 0;
    }

    PreparedStatement prepare(java.sql.Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(text.toString());
        for (int i = 0; i < args.size(); i++) {
            Object value = args.get(i);
            int index = i + 1;
            if (value instanceof Long l) {
                statement.setLong(index, l);
            } else if (value instanceof Integer n) {
                statement.setInt(index, n);
            } else if (value instanceof BigDecimal d) {
                statement.setBigDecimal(index, d);
            } else if (value instanceof Boolean b) {
                statement.setBoolean(index, b);
            } else {
                statement.setString(index, (String) value);
            }
        }
        return statement;
    }

    /** Escapes LIKE wildcards so a searched value matches literally (used with {@code ESCAPE '\'}). */
    static String likeLiteral(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
