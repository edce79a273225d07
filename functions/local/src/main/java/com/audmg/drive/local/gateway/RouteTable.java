package com.audmg.drive.local.gateway;

import com.audmg.drive.local.config.HttpRoute;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Matches request paths against the http events, literal segments before parameters as API Gateway does. */
final class RouteTable {
    record Match(HttpRoute route, Map<String, String> pathParameters) {
    }

    private record Compiled(HttpRoute route, Pattern pattern, List<String> names, int literalScore) {
    }

    private final List<Compiled> routes = new ArrayList<>();

    RouteTable(List<HttpRoute> httpRoutes) {
        for (HttpRoute r : httpRoutes) {
            List<String> names = new ArrayList<>();
            StringBuilder regex = new StringBuilder("^");
            int literals = 0;
            for (String segment : r.path().split("/")) {
                if (segment.isEmpty()) {
                    continue;
                }
                regex.append('/');
                if (segment.startsWith("{") && segment.endsWith("+}")) {
                    names.add(segment.substring(1, segment.length() - 2));
                    regex.append("(.+)");
                } else if (segment.startsWith("{") && segment.endsWith("}")) {
                    names.add(segment.substring(1, segment.length() - 1));
                    regex.append("([^/]+)");
                } else {
                    regex.append(Pattern.quote(segment));
                    literals++;
                }
            }
            if (regex.length() == 1) {
                regex.append('/');
            }
            regex.append("/?$");
            routes.add(new Compiled(r, Pattern.compile(regex.toString()), names, literals));
        }
        routes.sort((a, b) -> Integer.compare(b.literalScore, a.literalScore));
    }

    Optional<Match> match(String method, String path) {
        for (Compiled c : routes) {
            if (!c.route.method().equals(method) && !c.route.method().equals("ANY")) {
                continue;
            }
            Matcher m = c.pattern.matcher(path.isEmpty() ? "/" : path);
            if (m.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < c.names.size(); i++) {
                    params.put(c.names.get(i), URLDecoder.decode(m.group(i + 1).replace("+", "%2B"),
                            StandardCharsets.UTF_8));
                }
                return Optional.of(new Match(c.route, params));
            }
        }
        return Optional.empty();
    }

    /** Methods of CORS-enabled routes whose path matches, for a preflight answer. */
    List<String> corsMethods(String path) {
        List<String> methods = new ArrayList<>();
        for (Compiled c : routes) {
            if (c.route.cors() && c.pattern.matcher(path.isEmpty() ? "/" : path).matches()
                    && !methods.contains(c.route.method())) {
                methods.add(c.route.method());
            }
        }
        return methods;
    }
}
