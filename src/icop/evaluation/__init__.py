"""The evaluation harness: a shipped set of topics with reference documents and key facts
(``dataset``), a runner that writes each topic's article through the product's own path in a
fresh workspace (``runner``), metrics that score what came out (``metrics``), and the report
``benchmarks/quality.py`` publishes (``report``)."""
