// The tree's layout worker: positions for a tree of parent indices, off the page's main thread (a 20,000-node layout takes longer than a frame).
import { treePositions } from "./tree-positions.js";

interface LayoutRequest {
  seq: number;
  parents: Int32Array;
}

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const positions = treePositions(e.data.parents);
  (self as unknown as Worker).postMessage({ seq: e.data.seq, positions }, [positions.buffer]);
};
