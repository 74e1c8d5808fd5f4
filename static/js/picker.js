// Pickers with server-side search (selection/widgets.py): every <select data-picker-url> becomes a
// Tom Select box that asks the URL for about 20 matches as the user types (names or ID-number prefixes).
(function () {
  "use strict";

  function escape(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function attach(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const url = select.dataset.pickerUrl;
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      placeholder: select.dataset.placeholder || "输入姓名搜索",
      plugins: select.multiple ? ["remove_button"] : [],
      // The server has filtered and ordered the matches: keep them all, in its order.
      score: function () { return function () { return 1; }; },
      shouldLoad: function (query) { return query.trim().length > 0; },
      load: function (query, callback) {
        const self = this;
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query.trim()), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { self.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item) {
          const hint = item.hint ? ' <small class="text-muted">' + escape(item.hint) + "</small>" : "";
          return "<div>" + escape(item.text) + hint + "</div>";
        },
        no_results: function () { return '<div class="no-results">没有找到匹配的人员</div>'; },
        loading: function () { return '<div class="p-2 text-muted small">正在搜索…</div>'; },
      },
    });
  }

  function attachAll(root) {
    (root || document).querySelectorAll("select[data-picker-url]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { attachAll(event.target); });
})();
