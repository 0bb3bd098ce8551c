// The scorecard's trend chart, drawn from the page's JSON data block (no inline script: the
// console's CSP allows only files from this origin). Without JavaScript, or if Chart.js did
// not load, the table beside it shows the same numbers.
(function () {
  "use strict";

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    canvas.hidden = false;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: canvas.dataset.chartLabel,
            data: data.values,
            borderColor: "#0b5cad",
            backgroundColor: "rgba(11, 92, 173, 0.15)",
            fill: true,
            tension: 0.25,
            pointRadius: 4,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { suggestedMin: 0, suggestedMax: 100 } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                return "n = " + data.counts[item.dataIndex];
              },
            },
          },
        },
      },
    });
    // The chart shows the numbers now: the table stays one click away.
    var table = canvas.closest("section").querySelector("details[data-collapse-with-chart]");
    if (table) {
      table.open = false;
    }
  }

  function init() {
    document.querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
