import { IntentClassifier } from './bot/understanding/classifier';
(async () => {
  const c = await IntentClassifier.create();
  for (const t of process.argv.slice(2)) {
    const r = await c.classify(t);
    console.log(t, '=>', r.intent, JSON.stringify(r.ranked.slice(0, 3).map((x) => [x.intent, +x.score.toFixed(2)])));
    console.log('   tokens', await (c as any).nlu.prepare(t));
  }
})();
