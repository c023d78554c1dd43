// @jupyterlab/services logs every websocket and status change with console.debug; the test
// output is for test results.
console.debug = () => undefined;
