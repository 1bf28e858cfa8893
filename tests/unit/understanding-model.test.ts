import { IntentClassifier } from '../../bot/understanding/classifier';
import committedModel from '../../bot/understanding/corpus/model.pt-BR.json';

/**
 * The committed model (bot/understanding/corpus/model.pt-BR.json) is what the bot loads at start instead of training.
 * Rebuilding it from the committed corpus must give exactly the committed file: a corpus, a setting or a text
 * preparation changed without `npm run understanding:train` fails here, and so would training that is not deterministic.
 */

it('is what the committed corpus trains into (run `npm run understanding:train` after changing the corpus)', async () => {
  const rebuilt = await IntentClassifier.train();
  expect(rebuilt.trainedOn).toBe(committedModel.trainedOn);
  expect(rebuilt).toEqual(committedModel);
}, 120_000);

it('is not used for another corpus: the classifier trains on the corpus it is given', async () => {
  const classifier = await IntentClassifier.create({
    intents: { balance: ['meu saldo', 'quanto tenho'], goodbye: ['tchau', 'ate logo'] },
  });
  expect((await classifier.classify('saldo')).intent).toBe('balance');
  expect((await classifier.classify('tchau')).intent).toBe('goodbye');
});
