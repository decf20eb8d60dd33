/* The account map's behaviour: build the vis-network from the embedded records
 * (or, for the org layout, a tree of <details> elements), stop the physics once the
 * layout has settled; the unit overview of a large account (vis clusters, opened
 * unit by unit), search, filters, the neighbourhood of a person, details.
 *
 * User text only ever reaches the page through textContent (tooltips are DOM
 * elements, labels are drawn on the canvas), never through innerHTML.
 */
(function () {
  "use strict";
  var timing = { start: performance.now() };
  var data = JSON.parse(document.getElementById("relgraph-data").textContent);
  data.edges = edgeRecords(data);
  var P = data.palette;
  var ROLE = data.role_labels;
  var count = data.nodes.length;
  var big = count > 1000;
  var org = data.layout === "org";

  /* The edges travel as columns (see page_html); rebuild one record per edge. */
  function edgeRecords(d) {
    var t = d.edge_table, out = new Array(t.from.length), step = 0;
    for (var i = 0; i < t.from.length; i++) {
      var e = { from: d.nodes[t.from[i]].id, to: d.nodes[t.to[i]].id, type: t.types[t.type[i]] };
      var v = t.value[i];
      if (e.type === "KNOWS") { e.strength = v; e.strong = v >= d.strong; e.recorded = t.recorded[i]; e.last = t.last[i]; }
      else if (e.type === "REPORTS_TO" || e.type === "INFLUENCES") e.weight = v;
      else if (e.type === "PATH") { e.p = v; e.step = step++; }
      out[i] = e;
    }
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  /* The plan (SPEC section 6): each person's, and each blind spot's, first action
     in the plan's order, in the words of `relgraph plan`. */
  var PLAN = data.plan || [];
  var firstAction = {};
  PLAN.forEach(function (x) {
    var id = x.target || "Gap:" + x.cell;
    if (!(id in firstAction)) firstAction[id] = x;
  });
  function actionText(n) {
    var x = firstAction[n.id];
    if (!x) return n.next_action || "—";
    var route = [x.owner_name || "nobody yet"].concat(x.via_names).join(" → ");
    return x.due + " " + x.kind + ": " + route + " (" + x.method + ") — " + x.reason;
  }

  /* Relationships per contact and strong threads per staff member, for the details. */
  var knowsOf = {}, strongOf = {};
  data.edges.forEach(function (e) {
    if (e.type !== "KNOWS") return;
    (knowsOf[e.to] = knowsOf[e.to] || []).push(e);
    if (e.strong) strongOf[e.from] = (strongOf[e.from] || 0) + 1;
  });

  function strengthText(v) {
    var name = data.strength_names[String(Math.floor(v))];
    return v.toFixed(1) + (name ? " (" + name + ")" : "");
  }

  /* A relationship explained: recorded strength → effective, and the last contact. */
  function tieText(e) {
    var rec = e.recorded === null || e.recorded === undefined ? "" : fmt(e.recorded) + " → ";
    return rec + e.strength.toFixed(1) + ", last contact " + (e.last || "not recorded") +
      (e.strong ? " (strong)" : e.strength > 0 ? " (weak)" : " (inactive)");
  }
  function fmt(v) { return v === Math.round(v) ? String(v) : v.toFixed(1); }
  /* How a unit's key contacts are held, in the words of the coverage cells. */
  function unitHeld(status) { return status === "unknown" ? "no key contact" : "key contacts " + data.status_words[status]; }

  /* What the hover and the panel show about a node: [label, value] pairs. */
  function details(n) {
    var rows = [];
    function add(k, v) { if (v !== undefined && v !== null && v !== "") rows.push([k, String(v)]); }
    if (n.kind === "Contact") {
      add("Title", n.title);
      add("Role", ROLE[n.role] + (n.key ? " (key contact)" : ""));
      add("Level", n.level_name);
      add("Unit", n.unit);
      add("Influence", n.influence + " / 5");
      add("Seniority", n.seniority + " / 5");
      add("Attitude", n.attitude + (n.coach ? ", coach" : ""));
      var mine = (knowsOf[n.id] || []).slice().sort(function (a, b) { return b.strength - a.strength; });
      var strongNames = mine.filter(function (e) { return e.strong; }).map(function (e) { return byId[e.from].label; });
      add("Threads", n.threads === 0 ? "0: nobody holds a strong relationship" + (n.key ? " (unthreaded)" : "")
        : n.threads + ": " + strongNames.join(", ") + (n.threads === 1 && n.key ? " (single-threaded)" : ""));
      add("Known by", mine.length ? mine.map(function (e) { return byId[e.from].label + " " + tieText(e); }).join("\n") : "nobody");
      add("Successor", n.successor ? byId[n.successor].label : "—");
      add("Next action", actionText(n));
      add("Cell", n.cell ? n.level_name + " × " + ROLE[n.role] + ": " + data.status_words[n.cell]
        + (n.cell === "covered" ? "" : " (a gap)") : null);
      add("Email", n.email);
      add("Phone", n.phone);
      add("Id", n.ref);
      add("Notes", n.notes);
    } else if (n.kind === "Staff") {
      add("Title", n.title);
      add("Role", n.role);
      add("Account team", n.team_role !== undefined ? (n.team_role || "yes") : "no");
      add("Seniority", n.seniority !== undefined ? n.seniority + " / 5" : null);
      add("Office", n.office);
      add("In role since", n.in_role_since);
      add("Strong threads", strongOf[n.id] || 0);
      var owned = PLAN.filter(function (x) { return x.owner === n.id; });
      add("Plan", owned.length ? owned.length + (owned.length === 1 ? " action" : " actions") + ", first: " + owned[0].due + " " +
        owned[0].kind + " with " + owned[0].target_name : null);
      add("Active", n.active ? "yes" : "no (left: relationships count 0)");
      add("Id", n.ref);
    } else if (n.kind === "Unit") {
      add("Level", n.unit_level);
      add("People", n.contacts);
      add("Key contacts", n.key ? n.threaded + " of " + n.key + " with a thread (" + data.status_words[n.status] + ")" : "none");
      add("Function", n.function);
      add("Id", n.ref);
    } else if (n.kind === "Account") {
      add("Grade", n.grade);
      add("Industry", n.industry);
      add("Region", n.region);
      add("Id", n.ref);
    } else {
      add("Blind spot", "no " + ROLE[n.role] + " contact known at " + n.level_name + " level");
      add("Next action", firstAction[n.id] ? actionText(n) : "find and meet one");
    }
    return rows;
  }

  var KIND_NAME = { Contact: "Contact", Staff: "Our staff", Unit: "Unit", Account: "Account", Gap: "Blind spot" };

  /* Details as DOM built with textContent: never parsed as HTML. */
  function detailsElement(n, cls) {
    var box = el("div", cls);
    box.appendChild(el("div", "head", n.label));
    box.appendChild(el("div", "kind", KIND_NAME[n.kind]));
    details(n).forEach(function (pair) {
      var row = el("div", "row");
      row.appendChild(el("span", "k", pair[0]));
      row.appendChild(el("span", "v", pair[1]));
      box.appendChild(row);
    });
    return box;
  }

  function edgeTitle(e) {
    var a = byId[e.from], b = byId[e.to];
    if (e.type === "KNOWS") return a.label + " knows " + b.label + ": " + tieText(e);
    if (e.type === "REPORTS_TO") return a.label + " reports to " + b.label + " (weight " + e.weight + ")";
    if (e.type === "INFLUENCES") return a.label + " influences " + b.label + " (weight " + e.weight + ")";
    if (e.type === "PATH") return "Best path, step " + (e.step + 1) + ": " + a.label + " → " + b.label + ", p = " + e.p.toFixed(2);
    return undefined;
  }

  var onPath = {};
  if (data.path) data.path.nodes.forEach(function (id) { onPath[id] = true; });

  /* Who stays named when zoomed out: key and flagged contacts, staff, units, blind
     spots and the account; other contacts' names appear as you zoom in. */
  var NAMED = { label: { drawThreshold: 1, maxVisible: 28 } };

  /* A dash pattern, on a map of up to 1,000 nodes. Canvas draws a dashed line or
     border piece by piece, about twice the cost of a plain one: on a large map the
     colours alone tell the kinds apart (weak from strong, influence from
     reporting, an unknown attitude), as they do on every map. */
  function dashed(pattern) { return big ? false : pattern; }

  function contactStyle(n) {
    var att = n.attitude;
    var s = {
      shape: "dot",
      size: 5 + 3 * n.influence,
      borderWidth: att === "supporter" || att === "opponent" ? (big ? 3 : 4) : 2,
      borderWidthSelected: 5,
      color: {
        background: P.role[n.role],
        border: P.attitude[att],
        highlight: { background: P.role[n.role], border: "#000" },
        hover: { background: P.role[n.role], border: "#000" }
      },
      font: { size: n.key ? 19 : 14, color: "#212121", strokeWidth: 5, strokeColor: "#ffffff" }
    };
    if (n.key || n.flag) s.scaling = NAMED;
    if (n.flag) s.shadow = { enabled: true, color: P.flag[n.flag], size: 30, x: 0, y: 0 };
    if (att === "unknown") s.shapeProperties = { borderDashes: dashed([3, 3]) };
    return s;
  }

  function nodeStyle(n) {
    if (n.kind === "Contact") return contactStyle(n);
    if (n.kind === "Staff") {
      var c = n.active ? P.staff : P.staff_inactive;
      return {
        shape: "diamond", size: 14, scaling: NAMED,
        color: { background: c, border: c, highlight: { background: c, border: "#000" } },
        font: { size: 18, color: n.active ? "#102027" : "#90a4ae", strokeWidth: 5, strokeColor: "#ffffff" }
      };
    }
    if (n.kind === "Unit") {
      return {
        shape: "box", margin: 5, borderWidth: 1, scaling: NAMED,
        color: { background: P.status[n.status] || P.unit, border: P.unit_border, highlight: { background: "#fff", border: "#000" } },
        font: { size: 15, color: "#455a64" }
      };
    }
    if (n.kind === "Account") {
      return {
        shape: "box", margin: 10, borderWidth: 0, scaling: NAMED,
        color: { background: P.account, border: P.account, highlight: { background: "#000", border: "#000" } },
        font: { size: 24, color: "#ffffff" }
      };
    }
    /* a blind spot */
    return {
      shape: "ellipse", borderWidth: 2, margin: 6, scaling: NAMED,
      shapeProperties: { borderDashes: dashed([5, 4]) },
      color: { background: "#ffffff", border: P.gap_node, highlight: { background: "#fff5f5", border: P.gap_node } },
      font: { size: 19, color: P.gap_node }
    };
  }

  /* A structured starting layout, so that the physics only has to relax it (a
     random start needs hundreds of iterations, too slow for thousands of nodes):
     units on rings around the account by depth, each with an angular share of its
     ring in proportion to the people below it; each unit's contacts on a sunflower
     spiral around it; staff where the people they know are; blind spots beside
     the unit they hang from. */
  function startPositions() {
    var pos = {}, parent = {}, kids = {}, members = {}, own = {};
    var account = data.nodes[0].id;
    data.edges.forEach(function (e) {
      if (e.type === "PART_OF") { parent[e.from] = e.to; (kids[e.to] = kids[e.to] || []).push(e.from); }
      else if (e.type === "WORKS_IN" || e.type === "AT") (members[e.to] = members[e.to] || []).push(e.from);
    });
    var SPACING = 34;
    function clusterRadius(u) { return SPACING * Math.sqrt((members[u] || []).length + 1); }
    /* weight of a subtree: the area its clusters need */
    var weight = {};
    function weigh(root) {
      var order = [root], i;
      for (i = 0; i < order.length; i++) (kids[order[i]] || []).forEach(function (k) { if (!(k in weight)) { weight[k] = 0; order.push(k); } });
      for (i = order.length - 1; i >= 0; i--) {
        var u = order[i], w = Math.pow(clusterRadius(u), 2);
        (kids[u] || []).forEach(function (k) { w += weight[k]; });
        weight[u] = w;
      }
    }
    weight[account] = 0;
    weigh(account);
    var maxR = 0;
    Object.keys(members).forEach(function (u) { maxR = Math.max(maxR, clusterRadius(u)); });
    var ring = 2 * maxR + 60;
    pos[account] = { x: 0, y: 0 };
    var stack = [[account, 0, 2 * Math.PI, 0]];
    while (stack.length) {
      var item = stack.pop(), u = item[0], a0 = item[1], a1 = item[2], depth = item[3];
      var ks = kids[u] || [], total = 0;
      ks.forEach(function (k) { total += weight[k]; });
      var a = a0;
      ks.forEach(function (k) {
        var span = total ? (a1 - a0) * weight[k] / total : (a1 - a0) / ks.length;
        var mid = a + span / 2, r = (depth + 1) * ring;
        pos[k] = { x: r * Math.cos(mid), y: r * Math.sin(mid) };
        stack.push([k, a, a + span, depth + 1]);
        a += span;
      });
    }
    Object.keys(members).forEach(function (u) {
      var c = pos[u] || { x: 0, y: 0 };
      members[u].forEach(function (m, k) {
        var r = SPACING * Math.sqrt(k + 1), t = k * 2.39996;
        pos[m] = { x: c.x + r * Math.cos(t), y: c.y + r * Math.sin(t) };
      });
    });
    var sums = {};
    data.edges.forEach(function (e) {
      if (e.type !== "KNOWS" || !pos[e.to]) return;
      var s = sums[e.from] = sums[e.from] || { x: 0, y: 0, w: 0 };
      var w = 0.2 + e.strength;
      s.x += w * pos[e.to].x; s.y += w * pos[e.to].y; s.w += w;
    });
    data.nodes.forEach(function (n, i) {
      if (pos[n.id]) return;
      var t = i * 2.39996, r = 30;
      if (n.kind === "Staff" && sums[n.id]) pos[n.id] = { x: sums[n.id].x / sums[n.id].w + r * Math.cos(t), y: sums[n.id].y / sums[n.id].w + r * Math.sin(t) };
      else if (n.kind === "Gap" && pos[n.anchor]) pos[n.id] = { x: pos[n.anchor].x + 2 * r * Math.cos(t), y: pos[n.anchor].y + 2 * r * Math.sin(t) };
      else { r = ring * 0.5 + 10 * Math.sqrt(i); pos[n.id] = { x: r * Math.cos(t), y: r * Math.sin(t) }; }
    });
    return pos;
  }
  var start = org ? null : startPositions();

  var visNodes = data.nodes.map(function (n) {
    var v = nodeStyle(n);
    v.id = n.id;
    v.label = n.label;
    v.kind = n.kind;
    v.ref = n.ref;
    v.role = n.role;
    v.flag = n.flag;
    v.home = n.home;
    v.anchor = n.anchor;
    if (!org) {
      if (!data.overview) v.title = detailsElement(n, "rg-tip");
      v.x = start[n.id].x; v.y = start[n.id].y;
    }
    if (onPath[n.id] && n.kind === "Contact") {
      v.color.border = P.path;
      v.borderWidth = 6;
    }
    if (n.id === data.target) { /* the contact to reach: bigger, gold, always named */
      v.size += 8;
      v.borderWidth = 8;
      v.font = { size: 24, color: "#000000", strokeWidth: 6, strokeColor: "#fff7d6" };
      v.scaling = NAMED;
    }
    return v;
  });

  function edgeStyle(e) {
    switch (e.type) {
      case "KNOWS":
        return { color: { color: e.strong ? P.knows_strong : P.knows_weak, opacity: e.strong ? 0.85 : 0.9 },
                 dashes: e.strong ? false : dashed([6, 4]), length: 150 };
      case "REPORTS_TO":
        return { color: { color: P.reports_to }, arrows: { to: { enabled: true, scaleFactor: 0.6 } }, length: 90 };
      case "INFLUENCES":
        return { color: { color: P.influences }, dashes: dashed([8, 5]), arrows: { to: { enabled: true, scaleFactor: 0.7 } }, length: 110 };
      case "ON_TEAM":
        return { color: { color: P.team, opacity: 0.8 }, dashes: dashed([2, 4]), length: 160 };
      case "Gap":
        return { color: { color: P.gap_node, opacity: 0.5 }, dashes: dashed([4, 4]), length: 70 };
      case "PATH":
        return { color: { color: P.path, opacity: 0.95 }, arrows: { to: { enabled: true, scaleFactor: 0.9 } },
                 smooth: { enabled: true, type: "curvedCW", roundness: 0.18 }, physics: false,
                 label: "p " + e.p.toFixed(2), font: { size: 13, color: "#5d4400", strokeWidth: 4, strokeColor: "#fff", align: "middle" } };
      default: /* PART_OF, WORKS_IN, AT: the organisation */
        return { color: { color: P.structure }, length: 60 };
    }
  }

  var visEdges = data.edges.map(function (e, i) {
    var v = edgeStyle(e);
    v.id = e.type === "PATH" ? "path:" + e.step : "e" + i;
    v.from = e.from;
    v.to = e.to;
    v.type = e.type;
    v.width = e.type === "KNOWS" ? Math.max(1, 1.6 * e.strength)
      : e.type === "INFLUENCES" ? 1 + e.weight / 2
      : e.type === "REPORTS_TO" ? 1.5
      : e.type === "PATH" ? 9 : 1;
    if (e.type === "PATH") v.step = e.step;
    var title = edgeTitle(e);
    if (title) v.title = title; /* plain text: vis shows a string title with innerText */
    return v;
  });


  timing.styled = performance.now();
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);

  /* What is shown: one flag per node, rebuilt whenever a filter changes (roles,
     key contacts only, a unit with everything below it, a level, one staff
     member's relationships, a person's neighbourhood); an edge is shown when both
     its ends are. */
  var rolesOn = {};
  Object.keys(ROLE).forEach(function (r) { rolesOn[r] = true; });
  var filter = { keyOnly: false, unit: "", level: "", staff: "", hood: null };
  /* The overview of a large account: the units opened so far (null once every
     unit is open). Until a unit is open its people are inside its cluster, and
     the staff and lines that reach them wait outside the view. */
  var opened = data.overview ? {} : null;
  function isOpen(id) { var n = byId[id]; return opened === null || n.kind !== "Contact" || !n.home || !!opened[n.home]; }
  var shown = {};
  var childUnits = {};
  data.nodes.forEach(function (n) {
    if (n.kind === "Unit" && n.parent) (childUnits[n.parent] = childUnits[n.parent] || []).push(n.id);
  });
  function subtree(u) {
    var out = {}, todo = [u];
    while (todo.length) { var x = todo.pop(); if (out[x]) continue; out[x] = true; (childUnits[x] || []).forEach(function (k) { todo.push(k); }); }
    return out;
  }
  /* The people within `hops` relationships or links of `id`. */
  function neighbourhood(id, hops) {
    var adj = {};
    data.edges.forEach(function (e) {
      if (e.type !== "KNOWS" && e.type !== "REPORTS_TO" && e.type !== "INFLUENCES") return;
      (adj[e.from] = adj[e.from] || []).push(e.to);
      (adj[e.to] = adj[e.to] || []).push(e.from);
    });
    var seen = {}, frontier = [id];
    seen[id] = true;
    for (var h = 0; h < hops; h++) {
      var next = [];
      frontier.forEach(function (x) { (adj[x] || []).forEach(function (y) { if (!seen[y]) { seen[y] = true; next.push(y); } }); });
      frontier = next;
    }
    return seen;
  }
  function rebuild() {
    var units = filter.unit ? subtree(filter.unit) : null;
    var staffOnly = null;
    if (filter.staff) {
      staffOnly = {};
      staffOnly[filter.staff] = true;
      data.edges.forEach(function (e) { if (e.type === "KNOWS" && e.from === filter.staff) staffOnly[e.to] = true; });
    }
    var scoped = units || filter.level || filter.keyOnly;
    data.nodes.forEach(function (n) {
      var ok = true;
      if ((n.kind === "Contact" || n.kind === "Gap") && !rolesOn[n.role]) ok = false;
      if (n.kind === "Contact") {
        if (filter.keyOnly && !n.key) ok = false;
        if (units && !units[n.home]) ok = false;
        if (filter.level && n.level_name !== filter.level) ok = false;
      } else if (n.kind === "Gap") {
        if (filter.keyOnly) ok = false;
        if (units && !units[n.anchor]) ok = false;
        if (filter.level && n.level_name !== filter.level) ok = false;
      } else if (n.kind === "Unit") {
        if (units && !units[n.id]) ok = false;
        if (filter.level && n.unit_level !== filter.level) ok = false;
      }
      if (staffOnly && !staffOnly[n.id] && n.kind !== "Account" && n.kind !== "Unit") ok = false;
      if (filter.hood && !filter.hood[n.id]) ok = false;
      shown[n.id] = ok;
    });
    if (opened !== null) {
      var reached = {};
      data.edges.forEach(function (e) { if (e.type === "KNOWS" && isOpen(e.to)) reached[e.from] = true; });
      data.nodes.forEach(function (n) { if (n.kind === "Staff" && !reached[n.id]) shown[n.id] = false; });
    }
    if (scoped && !filter.staff) {
      /* our staff stay when they know someone still shown */
      var keep = {};
      data.edges.forEach(function (e) { if (e.type === "KNOWS" && shown[e.to] && byId[e.to].kind === "Contact") keep[e.from] = true; });
      data.nodes.forEach(function (n) { if (n.kind === "Staff" && !keep[n.id]) shown[n.id] = false; });
    }
  }
  rebuild();
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return shown[n.id]; } });
  var LINES = { KNOWS: true, REPORTS_TO: true, INFLUENCES: true, PATH: true };
  var edgesView = new vis.DataView(edges, {
    filter: function (e) { return shown[e.from] && shown[e.to] && (opened === null || !LINES[e.type] || (isOpen(e.from) && isOpen(e.to))); }
  });

  var bar = document.querySelector("#progress .bar span");
  var api = {
    ready: false,
    timing: timing,
    data: data,
    nodes: nodes,
    edges: edges,
    nodesView: nodesView,
    edgesView: edgesView,
    network: null,
    moves: { pictures: 0, last: null },
    filter: filter,
    find: find,
    neighbourhood: neighbourhood
  };
  window.relgraphMap = api;

  function ready() {
    timing.ready = performance.now();
    document.body.setAttribute("data-state", "ready");
    api.ready = true;
    setTimeout(focusFromAddress, 0);
  }

  /* A link such as maps/<account>.html#focus=Contact%3Ac1 (the report's plan)
     opens the map on that person (or blind spot): selected, details shown. */
  function focusFromAddress() {
    var m = /^#focus=(.+)$/.exec(window.location.hash);
    if (!m || !view) return;
    var id;
    try { id = decodeURIComponent(m[1]); } catch (e) { return; }
    if (byId[id]) view.focus([id]);
  }
  window.addEventListener("hashchange", focusFromAddress);

  /* Details of the selected person, in a box over the map (always in view). */
  var detailsBox = document.getElementById("details");
  var detailsBody = document.getElementById("details-body");
  var selected = null;
  function showDetails(id) {
    var n = byId[id];
    detailsBody.textContent = "";
    selected = n ? id : null;
    if (!n) { detailsBox.hidden = true; return; }
    detailsBody.appendChild(detailsElement(n, "rg-details"));
    detailsBox.hidden = false;
    document.getElementById("neighbourhood").hidden = !(n.kind === "Contact" || n.kind === "Staff");
  }
  document.getElementById("details-close").addEventListener("click", function () { showDetails(null); });

  /* Search by name, title or id, ignoring case and accents. */
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  /* The index, folded once at load: name, title and id, and the three in one
     string (a line each) for the search by part. */
  var searchable = data.nodes.filter(function (n) { return n.kind === "Contact" || n.kind === "Staff" || n.kind === "Unit"; })
    .map(function (n) {
      var name = fold(n.label), title = fold(n.title), ref = fold(n.ref);
      return { id: n.id, name: name, title: title, ref: ref, all: name + "\n" + title + "\n" + ref };
    });
  function find(text) {
    var q = fold(text.trim());
    if (!q) return [];
    var exact = searchable.filter(function (s) { return s.name === q || s.title === q || s.ref === q; });
    var hits = exact.length ? exact : searchable.filter(function (s) { return s.all.indexOf(q) >= 0; });
    return hits.map(function (s) { return s.id; });
  }
  var names = document.getElementById("names");
  data.nodes.forEach(function (n) {
    if (n.kind === "Contact" || n.kind === "Staff") {
      var o = document.createElement("option");
      o.value = n.label;
      names.appendChild(o);
    }
  });

  var view = org ? orgView() : networkView();
  api.focusNodes = view.focus;

  var search = document.getElementById("search");
  var result = document.getElementById("search-result");
  var searched = null;
  /* The matches of what is typed, counted in the result line; returns their ids. */
  function showMatches() {
    if (!search.value.trim()) { result.textContent = ""; return []; }
    var ids = find(search.value);
    var visible = ids.filter(function (id) { return shown[id]; });
    result.textContent = ids.length === 0 ? "Nobody by that name, title or id."
      : visible.length === ids.length ? ids.length + (ids.length === 1 ? " match" : " matches")
      : ids.length + " matches, " + (ids.length - visible.length) + " hidden by the filters";
    return ids;
  }

  /* Several people found: list them under the search box, to pick one. */
  var matches = document.getElementById("matches");
  var MATCHES_SHOWN = 12;
  function listMatches(ids) {
    matches.textContent = "";
    if (ids.length < 2) return;
    ids.slice(0, MATCHES_SHOWN).forEach(function (id) {
      var n = byId[id], b = el("button", "goto" + (n.flag ? " " + n.flag : ""));
      b.type = "button";
      b.appendChild(document.createTextNode(n.label + " "));
      b.appendChild(el("span", "meta", [n.title, n.kind === "Contact" ? ROLE[n.role] : KIND_NAME[n.kind], n.unit].filter(Boolean).join(" · ")));
      b.addEventListener("click", function () { focusFromPanel([id], b); });
      var li = el("li");
      li.appendChild(b);
      matches.appendChild(li);
    });
    if (ids.length > MATCHES_SHOWN) matches.appendChild(el("li", "hint", "… and " + (ids.length - MATCHES_SHOWN) + " more: type more of the name"));
  }
  function runSearch() {
    cancelAnimationFrame(typed);
    typed = 0;
    searched = search.value;
    var ids = showMatches();
    if (ids.length) view.focus(ids);
    listMatches(ids);
  }
  /* While typing, the count follows each keystroke, once per frame however fast
     the keys come; Enter (or leaving the box) goes to the people found. */
  var typed = 0;
  search.addEventListener("input", function () {
    if (!typed) typed = requestAnimationFrame(function () { typed = 0; showMatches(); });
  });
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });
  /* (leaving the box after Enter fires "change" too: not a second search, which
     would rebuild the list of matches under the click that left it) */
  search.addEventListener("change", function () { if (search.value !== searched) runSearch(); });

  /* Panel lists and matrix cells jump to their nodes; on a phone, where the panel
     is below the map, the page then scrolls back to the map and its details. */
  function inView(box) {
    var r = box.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }
  function focusFromPanel(ids, button) {
    Array.prototype.forEach.call(document.querySelectorAll("#panel .current, #matches .current"), function (x) { x.classList.remove("current"); });
    if (button) button.classList.add("current");
    view.focus(ids);
    if (!detailsBox.hidden && !inView(detailsBox)) document.getElementById("stage").scrollIntoView({ block: "start" });
  }
  Array.prototype.forEach.call(document.querySelectorAll("#panel [data-node]"), function (b) {
    b.addEventListener("click", function () { focusFromPanel([b.getAttribute("data-node")], b); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("#panel [data-level][data-role]"), function (b) {
    b.addEventListener("click", function () {
      var level = b.getAttribute("data-level"), role = b.getAttribute("data-role");
      var cell = data.cells.filter(function (c) { return c.level === level && c.role === role; })[0];
      var ids = cell && cell.contacts && cell.contacts.length
        ? cell.contacts.map(function (c) { return "Contact:" + c; })
        : ["Gap:" + level + "|" + role];
      focusFromPanel(ids, b);
    });
  });

  function apply() { rebuild(); view.refresh(); }
  Array.prototype.forEach.call(document.querySelectorAll("#role-filter input"), function (box) {
    box.addEventListener("change", function () { rolesOn[box.value] = box.checked; apply(); });
  });
  var keyOnly = document.getElementById("key-only");
  var unitFilter = document.getElementById("unit-filter");
  var levelFilter = document.getElementById("level-filter");
  var staffFilter = document.getElementById("staff-filter");
  keyOnly.addEventListener("change", function () { filter.keyOnly = keyOnly.checked; apply(); });
  unitFilter.addEventListener("change", function () { filter.unit = unitFilter.value; apply(); });
  levelFilter.addEventListener("change", function () { filter.level = levelFilter.value; apply(); });
  staffFilter.addEventListener("change", function () { filter.staff = staffFilter.value; apply(); });
  var hopsBox = document.getElementById("hops");
  function showNeighbourhood(id, hops) {
    filter.hood = neighbourhood(id, Math.max(1, hops || 1));
    apply();
    view.focus([id], true);
  }
  api.showNeighbourhood = showNeighbourhood;
  document.getElementById("neighbourhood").addEventListener("click", function () {
    if (selected) showNeighbourhood(selected, parseInt(hopsBox.value, 10));
  });
  function showAll() {
    filter.keyOnly = false; filter.unit = ""; filter.level = ""; filter.staff = ""; filter.hood = null;
    keyOnly.checked = false; unitFilter.value = ""; levelFilter.value = ""; staffFilter.value = "";
    Object.keys(rolesOn).forEach(function (r) { rolesOn[r] = true; });
    Array.prototype.forEach.call(document.querySelectorAll("#role-filter input"), function (b) { b.checked = true; });
    apply();
    view.reset();
  }
  api.showAll = showAll;
  document.getElementById("show-all").addEventListener("click", showAll);
  document.getElementById("fit").addEventListener("click", function () { view.fit(); });

  /* ---- moves on the clock; a large view moves as a picture ----
     vis-network counts an animation in frames (60 to the second) and redraws
     every node and edge on each, so where a frame takes 200 ms a 400 ms focus
     lasts 5 s. Two remedies, both behind vis's own animateView (which focus, fit
     and moveTo all go through) and its wheel handler; vis keeps its view
     arithmetic (the wheel's zoom about the pointer, a locked focus):
     - each frame of vis's own animation advances by the time gone by, not 1/60 s;
     - while a view of more than PICTURE_AT nodes and edges moves, the picture
       already drawn is slid and scaled (a CSS transform of the canvas: the
       compositor's work, not a redraw) and the map is drawn once, where the move
       ends. */
  var PICTURE_AT = 1500;
  var WHEEL_SETTLE_MS = 300; /* past vis's own 250 ms "zooming" spell, whose end asks for a redraw */
  var EASING = {
    linear: function (t) { return t; },
    easeInQuad: function (t) { return t * t; },
    easeOutQuad: function (t) { return t * (2 - t); },
    easeInOutQuad: function (t) { return t < 0.5 ? 2 * t * t : -1 + (4 - 2 * t) * t; }
  };

  /* The canvas held as a picture: vis draws nothing while it is held. */
  function heldPicture(network, moves) {
    var body = network.body, canvas = network.canvas.frame.canvas;
    var drawnAt = null; /* the view the held picture was drawn at */
    return {
      held: function () { return drawnAt !== null; },
      hold: function () {
        if (drawnAt) return;
        drawnAt = { scale: body.view.scale, x: body.view.translation.x, y: body.view.translation.y };
        network.renderer.allowRedraw = false;
        canvas.style.transformOrigin = "0 0";
      },
      /* show the picture as the view (scale, x, y) would draw it */
      slide: function (scale, x, y) {
        var k = scale / drawnAt.scale;
        canvas.style.transform = "matrix(" + k + ",0,0," + k + "," + (x - drawnAt.x * k) + "," + (y - drawnAt.y * k) + ")";
      },
      release: function () {
        if (!drawnAt) return;
        drawnAt = null;
        network.renderer.allowRedraw = true;
        network.redraw(); /* drawn before the transform goes: no frame of the old picture unscaled */
        canvas.style.transform = "";
        moves.pictures++;
      }
    };
  }

  function timedMoves(network, moves) {
    var body = network.body, view = network.view, canvas = network.canvas.frame.canvas;
    var picture = heldPicture(network, moves);
    var clock = null, glide = null, wheelTimer = null;
    function large() { return body.nodeIndices.length + body.edgeIndices.length > PICTURE_AT; }
    function finishGlide() { if (glide) glide.finish(); }

    network.on("initRedraw", function () { /* runs before vis's own step of the animation */
      if (clock && !glide) view.animationSpeed = Math.max(1e-6, (performance.now() - clock.began) / clock.duration - view.easingTime);
    });
    network.on("animationFinished", function () { /* took: until the view got there, before the last drawing */
      if (clock) moves.last = { duration: clock.duration, took: (clock.reached || performance.now()) - clock.began };
      clock = null;
    });

    /* A move of a large view: the picture slides to where vis would go, on the clock. */
    function glideTo(options) {
      view.releaseNode();
      picture.hold();
      var s0 = body.view.scale, x0 = body.view.translation.x, y0 = body.view.translation.y, s1 = options.scale;
      var x1 = 0.5 * canvas.clientWidth - options.position.x * s1 + options.offset.x;
      var y1 = 0.5 * canvas.clientHeight - options.position.y * s1 + options.offset.y;
      var ease = EASING[options.animation.easingFunction] || EASING.easeInOutQuad;
      var frame = 0;
      var me = glide = {
        finish: function () {
          if (glide !== me) return;
          glide = null;
          cancelAnimationFrame(frame);
          animateView.call(view, Object.assign({}, options, { animation: { duration: 0 } }));
          clock.reached = performance.now();
          picture.release();
          network.emit("animationFinished");
        }
      };
      function step() {
        if (glide !== me) return;
        var t = (performance.now() - clock.began) / clock.duration;
        if (t >= 1) { me.finish(); return; }
        var e = ease(t);
        picture.slide(s0 + (s1 - s0) * e, x0 + (x1 - x0) * e, y0 + (y1 - y0) * e);
        frame = requestAnimationFrame(step);
      }
      frame = requestAnimationFrame(step);
    }

    var animateView = view.animateView;
    view.animateView = function (options) {
      finishGlide();
      clearTimeout(wheelTimer); /* a wheel's held picture goes on into this move */
      var duration = options && options.animation ? options.animation.duration : 0;
      if (!duration || !large()) {
        picture.release();
        animateView.call(view, options); /* ends an unfinished animation first */
        clock = duration ? { began: performance.now(), duration: duration } : null;
        return;
      }
      clock = { began: performance.now(), duration: duration };
      glideTo(options);
    };

    var onWheel = body.eventListeners.onMouseWheel;
    body.eventListeners.onMouseWheel = function (event) {
      finishGlide();
      if (!picture.held() && !large()) { onWheel(event); return; }
      picture.hold();
      onWheel(event); /* vis zooms its view about the pointer; the picture follows */
      picture.slide(body.view.scale, body.view.translation.x, body.view.translation.y);
      clearTimeout(wheelTimer);
      wheelTimer = setTimeout(picture.release, WHEEL_SETTLE_MS);
    };

    /* Dragging the background pans the picture; dragging a node draws as vis does. */
    var listeners = body.eventListeners, interaction = network.interactionHandler;
    var onDragStart = listeners.onDragStart, onDrag = listeners.onDrag, onDragEnd = listeners.onDragEnd;
    listeners.onDragStart = function (event) {
      finishGlide();
      onDragStart(event);
      var dragged = interaction.drag.selection;
      if (large() && !(dragged && dragged.length)) picture.hold();
    };
    listeners.onDrag = function (event) {
      onDrag(event);
      if (picture.held()) picture.slide(body.view.scale, body.view.translation.x, body.view.translation.y);
    };
    listeners.onDragEnd = function (event) {
      onDragEnd(event);
      clearTimeout(wheelTimer);
      picture.release();
    };
  }

  /* ---- the network (force layout; a large account opens on its units) ---- */
  function networkView() {
    var iterations = count <= 200 ? 500 : count <= 1000 ? 250 : count <= 3000 ? 100 : 40;
    var BUDGET_MS = 3000;
    var physics = {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -38, centralGravity: 0.015, springLength: 60, springConstant: 0.08, damping: 0.5, avoidOverlap: 0.6 },
      minVelocity: 1.5,
      stabilization: { enabled: true, iterations: iterations, updateInterval: big ? 5 : 25, fit: true }
    };
    var options = {
      autoResize: true,
      layout: { randomSeed: 7, improvedLayout: count <= 150 },
      /* Labels smaller than 8px on screen are not drawn: zoomed out, only the key
         contacts, staff, units and the account are named; zoom in for everyone. */
      nodes: { font: { face: "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" },
               scaling: { label: { drawThreshold: 8, maxVisible: 28 } } },
      edges: { smooth: big ? false : { enabled: true, type: "continuous", roundness: 0.3 }, selectionWidth: 2, hoverWidth: 1 },
      interaction: { hover: !big, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big, navigationButtons: false, keyboard: false, multiselect: true },
      /* With the overview, stabilisation waits until the units are clustered. */
      physics: physics
    };
    if (data.overview) physics.stabilization = false;
    var container = document.getElementById("network");
    var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
    api.network = network;
    timedMoves(network, api.moves);
    timing.network = performance.now();

    var unitNodes = data.nodes.filter(function (n) { return n.kind === "Unit"; });
    /* One cluster per unit: the unit, its own people and its blind spots, drawn
       as one circle sized by its people and coloured like a coverage cell. */
    function clusterUnits() {
      unitNodes.forEach(function (u) {
        if (network.body.nodes["cluster:" + u.id]) return;
        var people = u.contacts || 0;
        network.cluster({
          joinCondition: function (o) { return o.id === u.id || o.home === u.id || (o.kind === "Gap" && o.anchor === u.id); },
          clusterNodeProperties: {
            id: "cluster:" + u.id, kind: "Cluster", unit: u.id, label: u.label + " · " + people,
            shape: "dot", size: 10 + 3 * Math.sqrt(people), borderWidth: 2,
            color: { background: P.status[u.status], border: P.unit_border, highlight: { background: P.status[u.status], border: "#000" } },
            font: { size: 16, color: "#263238", strokeWidth: 4, strokeColor: "#fff" }, scaling: NAMED,
            title: u.label + " (" + u.unit_level + "): " + people + " people, " + unitHeld(u.status) + ". Double-click to open."
          }
        }, false);
      });
      network.body.emitter.emit("_dataChanged");
    }
    function openCluster(cid) {
      if (!network.body.nodes[cid] || !network.isCluster(cid)) return;
      network.openCluster(cid);
      if (opened !== null) {
        opened[cid.slice(8)] = true;
        rebuild();
        nodesView.refresh();
        edgesView.refresh();
      }
    }
    function openAll() {
      Object.keys(network.body.nodes).forEach(function (id) { if (id.indexOf("cluster:") === 0 && network.isCluster(id)) network.openCluster(id, {}, false); });
      network.body.emitter.emit("_dataChanged");
      opened = null;
      rebuild();
      nodesView.refresh();
      edgesView.refresh();
    }
    api.openUnit = function (unitId) { openCluster("cluster:" + unitId); };
    api.openAll = openAll;
    api.clusterUnits = clusterUnits;
    var clustered = data.overview;

    function settle() {
      var began = performance.now();
      network.on("stabilizationProgress", function (p) {
        bar.style.width = Math.round(100 * p.iterations / p.total) + "%";
        if (performance.now() - began > BUDGET_MS) network.stopSimulation();
      });
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
        network.fit();
        ready();
      });
    }
    if (data.overview) {
      clusterUnits();
      timing.clustered = performance.now();
      /* The people's tooltips, built once the overview has settled (thousands of
         small DOM trees would hold up the first picture). */
      network.once("stabilizationIterationsDone", function () {
        setTimeout(function () {
          nodes.update(data.nodes.map(function (n) { return { id: n.id, title: detailsElement(n, "rg-tip") }; }));
          timing.tips = performance.now();
        }, 0);
      });
      settle();
      network.stabilize(iterations);
    } else {
      settle();
    }

    network.on("click", function (params) {
      if (!params.nodes.length) return;
      var id = params.nodes[0];
      if (network.isCluster(id)) { showDetails(network.body.nodes[id].options.unit); return; }
      showDetails(id);
    });
    network.on("doubleClick", function (params) {
      if (params.nodes.length && network.isCluster(params.nodes[0])) openCluster(params.nodes[0]);
    });
    var openAllButton = document.getElementById("open-all");
    if (openAllButton) openAllButton.addEventListener("click", function () { openAll(); clustered = false; network.fit(); });

    function reveal(id) {
      var chain = network.clustering.findNode(id);
      if (chain && chain.length > 1) openCluster(chain[0]);
    }
    function focus(ids, keep) {
      ids = ids.filter(function (id) { return nodesView.get(id); });
      if (!ids.length) return;
      ids.forEach(reveal);
      network.selectNodes(ids); /* unselects the rest; unselectAll would first redraw everything, there and then */
      if (ids.length === 1) {
        network.focus(ids[0], { scale: Math.max(network.getScale(), 1.1), animation: keep ? false : { duration: 400 } });
      } else {
        network.fit({ nodes: ids, animation: { duration: 400 } });
      }
      showDetails(ids[0]);
    }
    function refresh() {
      /* Filters act on the people themselves: open the units first. */
      var filtered = filter.hood || filter.unit || filter.level || filter.keyOnly || filter.staff;
      if (clustered && filtered) { openAll(); clustered = false; }
      nodesView.refresh();
      edgesView.refresh();
    }
    function reset() {
      if (data.overview) {
        opened = {};
        rebuild();
        nodesView.refresh();
        edgesView.refresh();
        clusterUnits();
        clustered = true;
      }
      network.unselectAll();
      network.fit();
    }
    return { focus: focus, refresh: refresh, reset: reset, fit: function () { network.fit({ animation: { duration: 300 } }); } };
  }

  /* ---- the org tree: units with their people under them, as <details> ----
     Opened on demand: a unit's people and sub-units are built the first time it
     opens, so that 20,000 contacts cost nothing until looked at. */
  function orgView() {
    var root = document.getElementById("orgtree");
    var people = {}, subUnits = {}, rootUnits = [], loose = [];
    data.nodes.forEach(function (n) {
      if (n.kind === "Unit") { if (n.parent) (subUnits[n.parent] = subUnits[n.parent] || []).push(n); else rootUnits.push(n); }
      else if (n.kind === "Contact") { if (n.home) (people[n.home] = people[n.home] || []).push(n); else loose.push(n); }
    });
    var below = {};
    function total(u) {
      if (below[u.id] !== undefined) return below[u.id];
      var t = u.contacts || 0;
      (subUnits[u.id] || []).forEach(function (k) { t += total(k); });
      return (below[u.id] = t);
    }
    var boxes = {}, rows = {};
    function personRow(n) {
      var li = el("li", "person" + (n.flag ? " " + n.flag : "") + (n.key ? " key" : ""));
      li.setAttribute("data-id", n.id);
      var b = el("button", "who");
      var dot = el("span", "chip");
      dot.style.background = P.role[n.role];
      b.appendChild(dot);
      b.appendChild(el("span", "name", n.label));
      b.appendChild(el("span", "meta", [n.title, ROLE[n.role] + (n.key ? ", key" : ""), n.threads + " thread" + (n.threads === 1 ? "" : "s")].filter(Boolean).join(" · ")));
      b.addEventListener("click", function () { select(n.id); });
      li.appendChild(b);
      rows[n.id] = li;
      return li;
    }
    function unitBox(u) {
      var d = el("details", "unit " + u.status);
      d.setAttribute("data-id", u.id);
      var s = el("summary");
      s.appendChild(el("span", "name", u.label));
      s.appendChild(el("span", "meta", u.unit_level + " · " + (u.contacts || 0) + " here, " + total(u) + " in all · " + unitHeld(u.status)));
      d.appendChild(s);
      d.addEventListener("toggle", function () { if (d.open) fill(d, u); });
      boxes[u.id] = d;
      return d;
    }
    function fill(d, u) {
      if (d.filled) return;
      d.filled = true;
      var ul = el("ul", "people");
      (people[u.id] || []).forEach(function (n) { ul.appendChild(personRow(n)); });
      if (ul.childNodes.length) d.appendChild(ul);
      (subUnits[u.id] || []).forEach(function (k) { d.appendChild(unitBox(k)); });
      apply();
    }
    var top = el("div", "org-root");
    top.appendChild(el("h2", "org-title", data.account.name + " · " + data.nodes.filter(function (n) { return n.kind === "Contact"; }).length + " contacts"));
    rootUnits.forEach(function (u) { top.appendChild(unitBox(u)); });
    if (loose.length) {
      var d = el("details", "unit");
      var s = el("summary");
      s.appendChild(el("span", "name", "Not in a unit"));
      s.appendChild(el("span", "meta", loose.length + " people"));
      d.appendChild(s);
      var ul = el("ul", "people");
      loose.forEach(function (n) { ul.appendChild(personRow(n)); });
      d.appendChild(ul);
      top.appendChild(d);
    }
    root.appendChild(top);
    rootUnits.forEach(function (u) { boxes[u.id].open = true; fill(boxes[u.id], u); });

    function apply() {
      Object.keys(rows).forEach(function (id) { rows[id].hidden = !shown[id]; });
      Object.keys(boxes).forEach(function (id) { boxes[id].hidden = !shown[id]; });
    }
    function select(id) {
      Array.prototype.forEach.call(root.querySelectorAll("li.selected"), function (x) { x.classList.remove("selected"); });
      if (rows[id]) rows[id].classList.add("selected");
      api.selected = id;
      showDetails(id);
    }
    function reveal(id) {
      var n = byId[id];
      if (!n) return null;
      var u = n.kind === "Unit" ? n : byId[n.home];
      var chain = [];
      while (u) { chain.unshift(u); u = u.parent ? byId[u.parent] : null; }
      chain.forEach(function (x) { var b = boxes[x.id]; if (b) { b.open = true; fill(b, x); } });
      return rows[id] || boxes[id] || null;
    }
    function focus(ids) {
      if (!ids.length) return;
      var first = reveal(ids[0]);
      ids.slice(1).forEach(reveal);
      if (first) first.scrollIntoView({ block: "center" });
      select(ids[0]);
    }
    api.reveal = reveal;
    timing.network = performance.now();
    requestAnimationFrame(function () { ready(); });
    return {
      focus: focus,
      refresh: apply,
      reset: function () { root.scrollTop = 0; },
      fit: function () { Object.keys(boxes).forEach(function (id) { if (!byId[id].parent) boxes[id].open = false; }); root.scrollTop = 0; }
    };
  }

  /* --focus ID --hops N: open on that person's neighbourhood. */
  if (data.focus) showNeighbourhood(data.focus, data.hops);

  api.pathNodes = function () {
    var steps = edges.get({ filter: function (e) { return e.type === "PATH"; } })
      .sort(function (a, b) { return a.step - b.step; });
    return steps.length ? [steps[0].from].concat(steps.map(function (e) { return e.to; })) : [];
  };
})();
