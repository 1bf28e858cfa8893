/**
 * The FAQ knowledge base as first published: pt-BR questions and answers written as IPlani, the city's virtual assistant.
 *
 * The slug is the stable key of an entry: the evaluation set (tests/faq-eval/eval-set.json) and the seed migration refer
 * to entries by slug, so a slug is never renamed once published. Answers state only the wallet's own product rules
 * (limits below); anything that changes outside the product (fares, addresses, opening hours, dates, other phone numbers)
 * is left to the official channels, so the base never goes stale or misinforms.
 *
 * Product rules quoted here: recharge from R$ 1,00 to R$ 500,00 per operation, card balance up to R$ 1.000,00, files PDF,
 * JPEG or PNG up to 5 MiB, up to 50 documents, verification links valid for at most 24 hours, link code valid for
 * 10 minutes, up to 3 active transport cards.
 */

/** One FAQ entry as written by the content team, before it gets a database id. */
export interface FaqSeedEntry {
  /** kebab-case, unique and stable: the key used by the evaluation set and the seed migration. */
  slug: string;
  question: string;
  answer: string;
  /** Other ways citizens ask the same thing; searched together with the question. */
  alternatives: string[];
  tags: string[];
}

export const FAQ_SEED_ENTRIES: readonly FaqSeedEntry[] = [
  // ---------------------------------------------------------------- about the wallet
  {
    slug: 'o-que-e-a-carteira',
    question: 'O que é a Carteira Digital Carioca?',
    answer:
      'A Carteira Digital Carioca é o aplicativo da Prefeitura do Rio onde você guarda seus documentos digitais, ' +
      'consulta e recarrega seus cartões de transporte e conversa comigo, a IPlani, para resolver dúvidas e serviços. ' +
      'Tudo em um só lugar, no celular ou no computador. 😊',
    alternatives: [
      'Para que serve a Carteira Digital Carioca?',
      'O que dá para fazer no aplicativo da Carteira?',
      'Como funciona a Carteira Digital da Prefeitura do Rio?',
      'Quem é a IPlani?',
      'O que é esse app da prefeitura?',
    ],
    tags: ['carteira', 'aplicativo', 'iplani', 'sobre'],
  },
  {
    slug: 'criar-conta',
    question: 'Como crio minha conta na Carteira Digital Carioca?',
    answer:
      'No aplicativo ou no site da Carteira, escolha "Criar conta" e informe nome completo, e-mail, CPF, data de ' +
      'nascimento, celular e uma senha. Se preferir, você pode começar pelo login com Google ou Meta e completar o cadastro. ' +
      'Ao criar a conta, você já recebe seu primeiro cartão de transporte na carteira.',
    alternatives: [
      'Como faço meu cadastro na Carteira?',
      'Quero me cadastrar no aplicativo',
      'Como abrir uma conta na Carteira Digital?',
      'Quais dados preciso para me registrar?',
      'Como começo a usar a Carteira?',
    ],
    tags: ['conta', 'cadastro', 'registro'],
  },

  // ---------------------------------------------------------------- documents
  {
    slug: 'como-salvar-documento',
    question: 'Como salvo um documento na Carteira?',
    answer:
      'No app, toque em "Adicionar documento", escolha o tipo, informe o número e, se o tipo pedir, as datas de emissão e ' +
      'validade. Aqui no chat é só escolher a opção 3 ("Salvar um documento") que eu te guio passo a passo e, no fim, ' +
      'peço sua confirmação antes de salvar.',
    alternatives: [
      'Como adiciono um documento na carteira digital?',
      'Como guardo minha identidade no aplicativo?',
      'Quero cadastrar um documento',
      'Como incluir minha CNH na carteira?',
      'Como registrar um novo documento?',
    ],
    tags: ['documento', 'salvar', 'adicionar', 'guardar'],
  },
  {
    slug: 'enviar-foto-ou-pdf-do-documento',
    question: 'Posso enviar uma foto ou um PDF do meu documento?',
    answer:
      'Pode sim! Cada documento pode ter um arquivo anexado: foto em JPEG ou PNG, ou um PDF, de até 5 MiB. No app, abra o ' +
      'documento e escolha "Anexar arquivo". Aqui no chat, quando eu pedir, é só mandar a foto ou o PDF como anexo. ' +
      'Dica: fotografe em lugar claro, sem reflexo, com o documento inteiro aparecendo.',
    alternatives: [
      'Como anexo a foto do documento?',
      'Como envio o arquivo escaneado do meu documento?',
      'Dá para tirar foto da identidade e guardar no app?',
      'Como mandar a imagem do documento pelo chat?',
      'Quais formatos de arquivo são aceitos?',
    ],
    tags: ['documento', 'arquivo', 'foto', 'pdf', 'anexo', 'imagem'],
  },
  {
    slug: 'arquivo-recusado',
    question: 'Meu arquivo não foi aceito. O que pode ter acontecido?',
    answer:
      'A Carteira aceita só arquivos PDF, JPEG ou PNG de até 5 MiB, e confere o conteúdo real do arquivo, não apenas o nome. ' +
      'Se o arquivo for maior, reduza a resolução da foto ou comprima o PDF; se for de outro formato (como HEIC ou Word), ' +
      'converta ou tire um print e envie de novo.',
    alternatives: [
      'O upload do arquivo deu erro',
      'O arquivo é grande demais, o que faço?',
      'Por que minha foto foi recusada?',
      'Qual o tamanho máximo do arquivo?',
      'Não consigo anexar o PDF do documento',
    ],
    tags: ['arquivo', 'erro', 'upload', 'tamanho', 'formato'],
  },
  {
    slug: 'tipos-de-documento-aceitos',
    question: 'Quais documentos posso guardar na Carteira?',
    answer:
      'Você pode guardar RG (identidade), CPF, CNH (carteira de motorista), título de eleitor, cartão SUS e comprovante de ' +
      'vacinação. Para outros documentos, use o tipo "Outro" e dê um nome a ele. Cada tipo tem suas regras de número, e a ' +
      'Carteira confere o que você digitar.',
    alternatives: [
      'Que tipos de documento a carteira aceita?',
      'Posso colocar o cartão do SUS na carteira?',
      'Dá para guardar o comprovante de vacinação?',
      'Quais documentos são suportados?',
      'Posso salvar um documento que não está na lista?',
    ],
    tags: ['documento', 'tipos', 'rg', 'cpf', 'cnh', 'titulo', 'sus', 'vacinacao'],
  },
  {
    slug: 'limite-de-documentos',
    question: 'Quantos documentos posso guardar?',
    answer:
      'Você pode guardar até 50 documentos na sua Carteira. Se chegar ao limite, apague os que não usa mais para abrir espaço.',
    alternatives: [
      'Tem limite de documentos na carteira?',
      'Qual o número máximo de documentos?',
      'Não consigo adicionar mais documentos, atingi o limite?',
      'Quantos arquivos cabem na carteira?',
    ],
    tags: ['documento', 'limite', 'quantidade'],
  },
  {
    slug: 'ver-meus-documentos',
    question: 'Como vejo os documentos que salvei?',
    answer:
      'No app, seus documentos ficam na tela inicial da Carteira. Aqui no chat, escolha a opção 4 ("Ver meus documentos"): ' +
      'eu mostro o tipo de cada um com o número mascarado, para proteger seus dados.',
    alternatives: [
      'Onde ficam meus documentos salvos?',
      'Como consulto meus documentos?',
      'Quero ver minha CNH que guardei',
      'Como listar os documentos da carteira?',
      'Meus documentos sumiram, onde encontro?',
    ],
    tags: ['documento', 'listar', 'ver', 'consultar'],
  },
  {
    slug: 'editar-documento',
    question: 'Como corrijo os dados de um documento salvo?',
    answer:
      'Abra o documento no app e toque em "Editar": você pode corrigir o número, o nome, o órgão emissor e as datas. Se ' +
      'o arquivo anexado estiver errado, é só anexar um novo, que substitui o anterior.',
    alternatives: [
      'Digitei o número do documento errado, como arrumo?',
      'Como altero a data de validade do documento?',
      'Como edito um documento?',
      'Como troco a foto anexada do documento?',
      'Como atualizar as informações de um documento?',
    ],
    tags: ['documento', 'editar', 'corrigir', 'alterar'],
  },
  {
    slug: 'excluir-documento',
    question: 'Como apago um documento da Carteira?',
    answer:
      'Abra o documento no app e toque em "Excluir". O documento e o arquivo anexado são apagados da sua Carteira e os ' +
      'links de verificação dele deixam de funcionar.',
    alternatives: [
      'Como removo um documento?',
      'Quero deletar um documento que salvei',
      'Como tirar um documento da carteira?',
      'Salvei um documento repetido, como excluo?',
    ],
    tags: ['documento', 'excluir', 'apagar', 'remover'],
  },
  {
    slug: 'link-de-verificacao',
    question: 'Como mostro meu documento para alguém conferir?',
    answer:
      'Abra o documento no app e toque em "Compartilhar verificação": a Carteira gera um link e um QR Code que a outra ' +
      'pessoa abre para conferir o documento. Você escolhe por quanto tempo ele vale, no máximo 24 horas, e pode cancelar ' +
      'antes se quiser.',
    alternatives: [
      'Como gero o QR Code do documento?',
      'Como compartilho meu documento com segurança?',
      'Como alguém confere se meu documento é verdadeiro?',
      'Como criar um link de verificação?',
      'Preciso apresentar meu documento, como faço pelo app?',
    ],
    tags: ['documento', 'verificacao', 'qrcode', 'link', 'compartilhar', 'apresentar'],
  },
  {
    slug: 'link-de-verificacao-expirado',
    question: 'O link de verificação do meu documento parou de funcionar. Por quê?',
    answer:
      'Por segurança, cada link de verificação vale por no máximo 24 horas e deixa de funcionar se você cancelá-lo ou ' +
      'apagar o documento. Se ele expirou, é só gerar um novo no app, no mesmo documento.',
    alternatives: [
      'O QR Code do documento expirou',
      'Quanto tempo dura o link de verificação?',
      'A pessoa abriu o link e apareceu inválido',
      'Por que o link do documento venceu?',
      'Como cancelo um link de verificação que compartilhei?',
    ],
    tags: ['verificacao', 'link', 'qrcode', 'expirado', 'validade'],
  },
  {
    slug: 'documento-vencido',
    question: 'Meu documento está vencido ou perto de vencer. E agora?',
    answer:
      'A Carteira mostra a data de validade dos documentos que têm uma e avisa quando ela está perto. Para renovar, procure ' +
      'o órgão que emitiu o documento (por exemplo, o DETRAN para a CNH). Depois, atualize as datas no app ou anexe o ' +
      'documento novo.',
    alternatives: [
      'Minha CNH venceu, o que faço?',
      'A carteira avisa quando o documento vai expirar?',
      'Como renovo um documento vencido?',
      'Documento fora da validade continua na carteira?',
    ],
    tags: ['documento', 'validade', 'vencido', 'renovar', 'expirar'],
  },
  {
    slug: 'documento-digital-vale-como-original',
    question: 'O documento guardado na Carteira substitui o original?',
    answer:
      'A Carteira guarda os dados e uma cópia do seu documento para facilitar o dia a dia, e o link de verificação ajuda ' +
      'quem precisa conferir. Mas quem decide se aceita a versão digital é o órgão ou estabelecimento que pede o documento. ' +
      'Na dúvida, leve o original.',
    alternatives: [
      'O documento digital tem validade legal?',
      'Posso usar a carteira no lugar da identidade física?',
      'A polícia aceita o documento do app?',
      'Preciso andar com o documento físico?',
    ],
    tags: ['documento', 'validade juridica', 'original', 'fisico'],
  },

  // ---------------------------------------------------------------- transport cards
  {
    slug: 'cartoes-de-transporte',
    question: 'Como funcionam os cartões de transporte na Carteira?',
    answer:
      'Ao criar sua conta você já recebe um cartão de transporte na Carteira. Nele você consulta o saldo, recarrega, vê o ' +
      'extrato e paga a passagem. Você pode ter até 3 cartões ativos ao mesmo tempo.',
    alternatives: [
      'O que é o cartão de transporte da carteira?',
      'Como uso o cartão de transporte no aplicativo?',
      'Tenho um cartão de transporte no app?',
      'Onde fica meu cartão de ônibus na carteira?',
    ],
    tags: ['cartao', 'transporte', 'passe'],
  },
  {
    slug: 'pedir-novo-cartao',
    question: 'Como peço outro cartão de transporte?',
    answer:
      'No app, na área de cartões, toque em "Pedir novo cartão". Você pode ter até 3 cartões ativos; se já tiver 3, ' +
      'bloqueie um que não usa antes de pedir outro.',
    alternatives: [
      'Posso ter mais de um cartão?',
      'Quantos cartões de transporte posso ter?',
      'Como solicito um cartão adicional?',
      'Quero um segundo cartão de passagem',
    ],
    tags: ['cartao', 'novo', 'adicional', 'limite'],
  },
  {
    slug: 'consultar-saldo',
    question: 'Como consulto o saldo do meu cartão?',
    answer:
      'O saldo aparece no cartão, dentro do app. Aqui no chat, escolha a opção 1 ("Consultar saldo") ou pergunte "qual meu ' +
      'saldo?" que eu mostro o saldo de todos os seus cartões.',
    alternatives: [
      'Quanto tenho de crédito no cartão?',
      'Qual é o meu saldo?',
      'Como vejo quanto sobrou no cartão de transporte?',
      'Ver saldo do passe',
      'Como saber quantos créditos tenho?',
    ],
    tags: ['saldo', 'cartao', 'consultar', 'credito'],
  },
  {
    slug: 'recarregar-cartao',
    question: 'Como recarrego meu cartão de transporte?',
    answer:
      'No app, abra o cartão e toque em "Recarregar". Cada recarga pode ser de R$ 1,00 a R$ 500,00, e o saldo do cartão ' +
      'pode chegar a até R$ 1.000,00. O valor entra no saldo assim que a recarga é confirmada.',
    alternatives: [
      'Como coloco crédito no cartão?',
      'Como carregar o cartão pelo aplicativo?',
      'Qual o valor mínimo e máximo da recarga?',
      'Quero adicionar dinheiro no cartão de passagem',
      'Como faço uma recarga?',
    ],
    tags: ['recarga', 'recarregar', 'credito', 'cartao', 'valor'],
  },
  {
    slug: 'limite-de-saldo',
    question: 'Qual é o saldo máximo que o cartão pode ter?',
    answer:
      'O saldo de cada cartão pode chegar a até R$ 1.000,00. Se uma recarga fizer o saldo passar desse valor, ela não é ' +
      'aceita: escolha um valor menor.',
    alternatives: [
      'Minha recarga foi recusada porque passou do limite',
      'Existe limite de saldo no cartão?',
      'Quanto posso acumular no cartão?',
      'Por que não consigo recarregar mais?',
    ],
    tags: ['saldo', 'limite', 'maximo', 'recarga'],
  },
  {
    slug: 'recarga-nao-apareceu',
    question: 'Fiz uma recarga e o saldo não mudou. O que faço?',
    answer:
      'Primeiro, confira o extrato do cartão no app: toda recarga confirmada aparece lá com o saldo depois dela. Se a ' +
      'recarga não estiver no extrato, ela não foi concluída e você pode tentar de novo, sem risco de ser registrada em ' +
      'dobro. Se ainda assim algo parecer errado, ligue 1746.',
    alternatives: [
      'Recarreguei e o crédito não caiu',
      'A recarga não entrou no saldo',
      'Paguei a recarga e não apareceu no cartão',
      'Minha recarga sumiu',
      'A recarga foi cobrada duas vezes?',
    ],
    tags: ['recarga', 'problema', 'saldo', 'erro'],
  },
  {
    slug: 'pagar-passagem',
    question: 'Como uso o cartão para pagar a passagem?',
    answer:
      'Na hora de embarcar, a tarifa é descontada do saldo do cartão. Se o saldo não for suficiente, a passagem é recusada ' +
      'e nada é descontado: recarregue e tente de novo. Cada passagem aparece no extrato do cartão.',
    alternatives: [
      'Como pago o ônibus com o cartão da carteira?',
      'Como funciona o desconto da tarifa?',
      'Minha passagem foi recusada por falta de saldo',
      'Posso usar o cartão no metrô e no BRT?',
      'Como passo na catraca com o cartão?',
    ],
    tags: ['passagem', 'tarifa', 'pagar', 'embarque', 'saldo insuficiente'],
  },
  {
    slug: 'valor-da-passagem',
    question: 'Quanto custa a passagem?',
    answer:
      'Os valores das tarifas mudam de tempos em tempos e variam conforme o meio de transporte. Para saber o valor atual, ' +
      'consulte o site oficial da Prefeitura do Rio ou ligue 1746.',
    alternatives: [
      'Qual o preço da tarifa do ônibus?',
      'Qual o valor da passagem do BRT?',
      'Quanto é a tarifa do transporte no Rio?',
      'A passagem aumentou?',
    ],
    tags: ['tarifa', 'preco', 'valor', 'passagem'],
  },
  {
    slug: 'historico-do-cartao',
    question: 'Como vejo o extrato do meu cartão?',
    answer:
      'No app, abra o cartão e toque em "Extrato": aparecem as recargas e as passagens, das mais recentes para as mais ' +
      'antigas, com o saldo depois de cada uma. Você pode filtrar por tipo e por período.',
    alternatives: [
      'Como vejo o histórico de uso do cartão?',
      'Onde vejo minhas recargas anteriores?',
      'Quero ver as passagens que paguei',
      'Como consultar as movimentações do cartão?',
      'Onde fica o histórico de transações?',
    ],
    tags: ['extrato', 'historico', 'transacoes', 'cartao', 'movimentacoes'],
  },
  {
    slug: 'bloquear-cartao-perdido',
    question: 'Perdi meu cartão ou ele foi roubado. Como bloqueio?',
    answer:
      'Bloqueie o quanto antes para ninguém usar seu saldo. Aqui no chat, escolha a opção 2 ("Cancelar um cartão"), ' +
      'escolha o cartão, o motivo (perda, roubo, dano ou outro) e confirme; no app, abra o cartão e toque em "Bloquear". ' +
      'Você recebe um número de protocolo e depois pode pedir a segunda via com o saldo.',
    alternatives: [
      'Como cancelo um cartão perdido?',
      'Roubaram meu cartão de transporte',
      'Fui assaltado e levaram meu cartão',
      'Como bloquear o cartão?',
      'Perdi o passe, e agora?',
    ],
    tags: ['bloquear', 'cancelar', 'perda', 'roubo', 'furto', 'cartao'],
  },
  {
    slug: 'cartao-danificado',
    question: 'Meu cartão quebrou ou parou de funcionar. O que faço?',
    answer:
      'Bloqueie o cartão com o motivo "dano" (opção 2 aqui no chat, ou "Bloquear" no app) e depois peça a segunda via: o ' +
      'novo cartão recebe todo o saldo do antigo.',
    alternatives: [
      'Meu cartão não passa na catraca',
      'O cartão está danificado',
      'Meu cartão parou de ler',
      'O cartão rachou, como troco?',
    ],
    tags: ['cartao', 'dano', 'quebrado', 'defeito'],
  },
  {
    slug: 'segunda-via-do-cartao',
    question: 'Como peço a segunda via do cartão e recupero o saldo?',
    answer:
      'Depois de bloquear o cartão, abra-o no app e toque em "Pedir segunda via". O novo cartão já nasce com todo o saldo ' +
      'do cartão bloqueado, transferido de uma vez, e o cartão antigo passa a constar como cancelado.',
    alternatives: [
      'Como transfiro o saldo do cartão bloqueado?',
      'Vou perder meu saldo se bloquear o cartão?',
      'Como faço a reposição do cartão?',
      'Quero um cartão novo no lugar do que perdi',
      'Como recuperar o dinheiro do cartão perdido?',
    ],
    tags: ['segunda via', 'reposicao', 'transferencia', 'saldo', 'cartao'],
  },
  {
    slug: 'desbloquear-cartao',
    question: 'Posso desbloquear um cartão que bloqueei?',
    answer:
      'Não: por segurança, o bloqueio é definitivo, mesmo que você encontre o cartão depois. O saldo não se perde: peça a ' +
      'segunda via no app e o novo cartão recebe todo o saldo do bloqueado.',
    alternatives: [
      'Achei o cartão que tinha bloqueado, dá para reativar?',
      'Como reativo meu cartão?',
      'Bloqueei o cartão sem querer',
      'Como desfazer o bloqueio do cartão?',
    ],
    tags: ['desbloquear', 'reativar', 'bloqueio', 'cartao'],
  },

  // ---------------------------------------------------------------- chatbot and channels
  {
    slug: 'vincular-chatbot',
    question: 'Como vinculo o chat à minha conta da Carteira?',
    answer:
      'No app da Carteira, toque em "Vincular canal" para gerar um código de 8 caracteres. Depois, no WhatsApp, no Teams ou ' +
      'em outro canal onde você fala comigo, envie `vincular <código>` (por exemplo, `vincular ABCD2345`). O código vale ' +
      'por 10 minutos e só pode ser usado uma vez. No chat do site, o vínculo é automático quando você entra na sua conta.',
    alternatives: [
      'Como conecto o WhatsApp à minha conta?',
      'Como uso o comando vincular?',
      'Onde gero o código para vincular o chatbot?',
      'O chat diz que preciso vincular minha conta',
      'Como ligar o bot ao meu cadastro?',
    ],
    tags: ['vincular', 'codigo', 'chatbot', 'whatsapp', 'teams', 'conta'],
  },
  {
    slug: 'codigo-de-vinculo-invalido',
    question: 'O código para vincular o chat não funcionou. Por quê?',
    answer:
      'O código vale por 10 minutos e só pode ser usado uma vez. Confira se digitou os 8 caracteres certinho, depois de ' +
      '`vincular` e com um espaço. Se passou do prazo, gere um novo no app. Depois de várias tentativas erradas, é preciso ' +
      'esperar um pouco antes de tentar de novo.',
    alternatives: [
      'Código de vínculo inválido',
      'O código de vinculação expirou',
      'Digitei vincular e deu erro',
      'Quanto tempo vale o código de vínculo?',
      'Tentei vincular várias vezes e foi bloqueado',
    ],
    tags: ['vincular', 'codigo', 'erro', 'expirado', 'invalido'],
  },
  {
    slug: 'desvincular-chatbot',
    question: 'Como desvinculo um canal da minha conta?',
    answer:
      'No app da Carteira, na área de canais vinculados da sua conta, escolha o canal (WhatsApp, Teams...) e toque em ' +
      '"Desvincular". Depois disso, para consultar saldo ou documentos por aquele canal, será preciso vincular de novo.',
    alternatives: [
      'Como desconecto o WhatsApp da minha conta?',
      'Quero tirar o vínculo do chat',
      'Troquei de número, como desfaço o vínculo antigo?',
      'Como remover o acesso do bot à minha conta?',
    ],
    tags: ['desvincular', 'canal', 'whatsapp', 'teams', 'conta'],
  },
  {
    slug: 'canais-de-atendimento',
    question: 'Por quais canais posso falar com a IPlani?',
    answer:
      'Você pode falar comigo pelo WhatsApp, pelo Microsoft Teams e pelo chat no site da Carteira. Em qualquer canal ' +
      'funciona o mesmo menu; para ver saldo e documentos fora do chat do site, vincule o canal à sua conta com o comando ' +
      '`vincular <código>`.',
    alternatives: [
      'A IPlani atende pelo WhatsApp?',
      'Onde posso conversar com a assistente virtual?',
      'Tem chat no site da prefeitura?',
      'Posso usar o chatbot no Teams?',
      'Qual o WhatsApp da IPlani?',
    ],
    tags: ['canais', 'whatsapp', 'teams', 'chat', 'site', 'atendimento'],
  },
  {
    slug: 'como-usar-o-chat',
    question: 'O que a IPlani sabe fazer aqui no chat?',
    answer:
      'No menu eu ofereço: 1 Consultar saldo, 2 Cancelar um cartão, 3 Salvar um documento, 4 Ver meus documentos e ' +
      '5 Fazer uma pergunta. Você pode digitar o número ou escrever do seu jeito. A qualquer momento: "menu" volta ao ' +
      'início, "voltar" corrige a resposta anterior, "ajuda" explica o passo atual e "cancelar" encerra sem salvar nada.',
    alternatives: [
      'Quais são as opções do menu?',
      'Como volto para o menu inicial?',
      'Como cancelo o que estou fazendo no chat?',
      'Quais comandos o chatbot entende?',
      'Errei uma resposta no chat, como volto?',
    ],
    tags: ['chat', 'menu', 'comandos', 'ajuda', 'opcoes'],
  },

  // ---------------------------------------------------------------- account and security
  {
    slug: 'entrar-com-google-ou-meta',
    question: 'Posso entrar na Carteira com minha conta Google ou Meta?',
    answer:
      'Pode! Na tela de entrada, escolha "Entrar com Google" ou "Entrar com Meta". No primeiro acesso, eu peço os dados ' +
      'que faltam (como CPF e data de nascimento) para completar seu cadastro. Depois é só usar o mesmo botão para entrar.',
    alternatives: [
      'Como faço login com o Google?',
      'Dá para entrar com o Facebook?',
      'Posso acessar usando minha conta do Instagram?',
      'Login social funciona na carteira?',
    ],
    tags: ['login', 'google', 'meta', 'facebook', 'entrar', 'acesso'],
  },
  {
    slug: 'como-entrar-na-conta',
    question: 'Como entro na minha conta?',
    answer:
      'Na tela de entrada, informe seu CPF ou e-mail e sua senha. Se você ativou a verificação em duas etapas, também vai ' +
      'pedir o código do aplicativo autenticador. Você também pode entrar com Google ou Meta, se tiver cadastrado assim.',
    alternatives: [
      'Como faço login na carteira?',
      'Entro com CPF ou com e-mail?',
      'Como acesso minha conta?',
      'Qual é o meu usuário para entrar?',
    ],
    tags: ['login', 'entrar', 'acesso', 'cpf', 'email'],
  },
  {
    slug: 'recuperar-senha',
    question: 'Esqueci minha senha. Como recupero?',
    answer:
      'Na tela de entrada, toque em "Esqueci minha senha" e informe seu CPF ou e-mail. Se houver uma conta, enviamos um ' +
      'link para o e-mail cadastrado para você criar uma senha nova. Não recebeu? Confira a caixa de spam e se o e-mail ' +
      'da conta está certo.',
    alternatives: [
      'Não lembro minha senha',
      'Como redefinir a senha?',
      'Perdi a senha da carteira',
      'O e-mail de recuperação de senha não chegou',
      'Como criar uma senha nova se esqueci a antiga?',
    ],
    tags: ['senha', 'esqueci', 'recuperar', 'redefinir', 'email'],
  },
  {
    slug: 'trocar-senha',
    question: 'Como troco minha senha?',
    answer:
      'Com a conta aberta no app, vá em "Minha conta" > "Alterar senha", informe a senha atual e a nova. Escolha uma senha ' +
      'forte, que você não usa em outros sites. Se não lembra a senha atual, use "Esqueci minha senha" na tela de entrada.',
    alternatives: [
      'Como altero a senha da carteira?',
      'Quero mudar minha senha',
      'Como mudo o password da minha conta?',
      'Como atualizar minha senha por segurança?',
    ],
    tags: ['senha', 'alterar', 'trocar', 'mudar'],
  },
  {
    slug: 'muitas-tentativas-de-login',
    question: 'Errei a senha várias vezes e não consigo entrar. O que faço?',
    answer:
      'Depois de muitas tentativas seguidas, a Carteira pausa novas tentativas por um tempo, para proteger sua conta. ' +
      'Espere alguns minutos e tente de novo com calma. Se não lembra a senha, use "Esqueci minha senha".',
    alternatives: [
      'Minha conta foi bloqueada por tentativas',
      'Aparece muitas tentativas, aguarde',
      'Não consigo fazer login, diz para esperar',
      'Fui bloqueado depois de errar a senha',
    ],
    tags: ['login', 'bloqueio', 'tentativas', 'senha', 'acesso'],
  },
  {
    slug: 'verificacao-em-duas-etapas',
    question: 'Como ativo a verificação em duas etapas?',
    answer:
      'No app, vá em "Minha conta" > "Segurança" > "Verificação em duas etapas". Leia o QR Code com um aplicativo ' +
      'autenticador (como Google Authenticator, Microsoft Authenticator ou outro compatível com TOTP) e digite o código de ' +
      '6 dígitos para confirmar. A partir daí, a entrada pede a senha e o código do aplicativo.',
    alternatives: [
      'Como ligar a autenticação de dois fatores?',
      'Como usar o Google Authenticator na carteira?',
      'Como deixar minha conta mais segura?',
      'O que é o código do aplicativo autenticador?',
      'Como configurar o 2FA?',
    ],
    tags: ['seguranca', '2fa', 'mfa', 'totp', 'autenticador', 'duas etapas'],
  },
  {
    slug: 'codigos-de-recuperacao',
    question: 'Perdi o celular com o aplicativo autenticador. Como entro?',
    answer:
      'Use um dos códigos de recuperação que você recebeu ao ativar a verificação em duas etapas: digite-o no lugar do ' +
      'código do aplicativo. Cada código vale uma vez só. Depois de entrar, configure o autenticador no celular novo e ' +
      'gere novos códigos de recuperação. Guarde-os em um lugar seguro, fora do celular.',
    alternatives: [
      'O que são os códigos de recuperação?',
      'Troquei de celular e perdi o autenticador',
      'Não tenho mais acesso ao app autenticador',
      'Como desativar a verificação em duas etapas sem o celular?',
      'Onde vejo meus códigos de backup?',
    ],
    tags: ['seguranca', '2fa', 'recuperacao', 'autenticador', 'celular', 'backup'],
  },
  {
    slug: 'atualizar-dados-cadastrais',
    question: 'Como atualizo meu e-mail, telefone ou outros dados?',
    answer:
      'No app, vá em "Minha conta" e toque em "Editar dados" para mudar nome, e-mail ou celular. O CPF não pode ser ' +
      'trocado, porque identifica sua conta.',
    alternatives: [
      'Como mudo meu número de celular no cadastro?',
      'Troquei de e-mail, como atualizo?',
      'Como corrigir meu nome na conta?',
      'Como alterar meus dados pessoais?',
    ],
    tags: ['conta', 'cadastro', 'email', 'celular', 'dados', 'atualizar'],
  },
  {
    slug: 'privacidade-e-lgpd',
    question: 'Como a Prefeitura cuida dos meus dados pessoais?',
    answer:
      'Seus dados são tratados conforme a LGPD (Lei Geral de Proteção de Dados). Os arquivos dos documentos são guardados ' +
      'criptografados, números de documentos aparecem mascarados e ninguém de fora vê seus documentos sem um link de ' +
      'verificação que você criou. Você pode baixar uma cópia dos seus dados ou pedir a exclusão da conta a qualquer momento.',
    alternatives: [
      'Meus documentos estão seguros na carteira?',
      'Quais são meus direitos pela LGPD?',
      'A prefeitura compartilha meus dados?',
      'Qual é a política de privacidade?',
      'Quem pode ver meus documentos?',
    ],
    tags: ['privacidade', 'lgpd', 'dados', 'seguranca', 'protecao'],
  },
  {
    slug: 'exportar-meus-dados',
    question: 'Como baixo uma cópia de todos os meus dados?',
    answer:
      'No app, vá em "Minha conta" > "Privacidade" > "Exportar meus dados". Você recebe um arquivo com todos os dados da sua ' +
      'conta: cadastro, documentos, cartões e movimentações. É um direito seu pela LGPD.',
    alternatives: [
      'Como exporto meus dados?',
      'Quero saber quais dados a prefeitura tem sobre mim',
      'Como pedir acesso aos meus dados pessoais?',
      'Posso fazer download das minhas informações?',
    ],
    tags: ['lgpd', 'exportar', 'dados', 'download', 'portabilidade'],
  },
  {
    slug: 'excluir-conta',
    question: 'Como apago minha conta e todos os meus dados?',
    answer:
      'No app, vá em "Minha conta" > "Privacidade" > "Excluir conta" e confirme. São apagados seu cadastro, documentos, ' +
      'arquivos, conversas comigo e vínculos de canais. Os registros financeiros dos cartões ficam guardados sem ' +
      'identificar você, como a lei exige. Atenção: a exclusão não pode ser desfeita.',
    alternatives: [
      'Quero excluir minha conta',
      'Como cancelo meu cadastro na carteira?',
      'Como deletar todos os meus dados?',
      'Quero que a prefeitura apague minhas informações',
      'Como encerrar minha conta?',
    ],
    tags: ['lgpd', 'excluir', 'conta', 'apagar', 'dados', 'eliminacao'],
  },
  {
    slug: 'golpes-e-seguranca',
    question: 'A IPlani pede minha senha ou códigos?',
    answer:
      'Nunca! Eu não peço sua senha, códigos do autenticador, códigos de recuperação nem pagamentos por mensagem. O código ' +
      'de vínculo é você que digita no chat, depois de gerá-lo no app. Se alguém pedir esses dados em nome da Prefeitura, ' +
      'é golpe: não responda e ligue 1746 para avisar.',
    alternatives: [
      'Recebi uma mensagem pedindo minha senha, é golpe?',
      'Como sei se a mensagem é mesmo da prefeitura?',
      'Alguém pediu meu código pelo WhatsApp',
      'Como me proteger de fraudes?',
    ],
    tags: ['seguranca', 'golpe', 'fraude', 'senha', 'phishing'],
  },

  // ---------------------------------------------------------------- city services
  {
    slug: 'central-1746',
    question: 'O que é a Central 1746?',
    answer:
      'A Central 1746 é o canal de atendimento da Prefeitura do Rio para pedir serviços e fazer reclamações, como buraco na ' +
      'rua, lâmpada apagada, poda de árvore ou remoção de entulho. Você pode ligar 1746 ou usar o site e o app oficiais do ' +
      '1746, e acompanhar seu pedido pelo número de protocolo.',
    alternatives: [
      'Como peço um serviço para a prefeitura?',
      'Como reclamar de um buraco na rua?',
      'Como faço uma solicitação na prefeitura?',
      'Tem um poste apagado na minha rua',
      'Como acompanho meu pedido no 1746?',
    ],
    tags: ['1746', 'prefeitura', 'servicos', 'reclamacao', 'solicitacao'],
  },
  {
    slug: 'falar-com-atendente',
    question: 'Quero falar com uma pessoa. Como faço?',
    answer:
      'Eu sou uma assistente virtual, mas se preferir falar com um atendente humano, ligue 1746: a central da Prefeitura ' +
      'atende e encaminha o seu caso.',
    alternatives: [
      'Como falo com um atendente humano?',
      'Quero atendimento com uma pessoa de verdade',
      'Tem algum telefone de atendimento?',
      'Você não está me ajudando, quero outra forma de contato',
    ],
    tags: ['atendente', 'humano', 'contato', 'telefone', '1746'],
  },
  {
    slug: 'cartao-jae',
    question: 'O que é o cartão Jaé?',
    answer:
      'O Jaé é o sistema de bilhetagem do transporte municipal do Rio, usado para pagar as passagens dos ônibus e do ' +
      'BRT da cidade. Para saber onde conseguir o cartão físico, pontos de recarga e regras de integração, consulte o site ' +
      'oficial da Prefeitura ou ligue 1746.',
    alternatives: [
      'Como funciona o Jaé?',
      'Onde consigo o cartão Jaé?',
      'O Jaé substitui o RioCard?',
      'Onde recarrego o Jaé fora do aplicativo?',
      'Como funciona a integração com o Jaé?',
    ],
    tags: ['jae', 'bilhetagem', 'transporte', 'riocard', 'cartao'],
  },
  {
    slug: 'gratuidade-estudante',
    question: 'Estudante tem gratuidade no transporte?',
    answer:
      'Estudantes da rede pública podem ter direito à gratuidade ou a benefícios no transporte, conforme as regras da ' +
      'Prefeitura e do Estado. Os requisitos e o cadastro mudam com o tempo: consulte o site oficial da Prefeitura do Rio ' +
      'ou ligue 1746 para saber como pedir.',
    alternatives: [
      'Como tirar o passe livre estudantil?',
      'Aluno de escola pública paga passagem?',
      'Como conseguir o cartão de estudante?',
      'Meu filho estuda, tem direito a passe escolar?',
    ],
    tags: ['gratuidade', 'estudante', 'escolar', 'passe livre', 'beneficio'],
  },
  {
    slug: 'gratuidade-idosos',
    question: 'Idosos têm gratuidade no transporte?',
    answer:
      'Sim, pessoas idosas têm direito à gratuidade no transporte público, conforme a lei. Para saber a idade mínima em ' +
      'cada caso, como se cadastrar e quais documentos levar, consulte o site oficial da Prefeitura do Rio ou ligue 1746.',
    alternatives: [
      'Aposentado paga ônibus?',
      'Como a terceira idade consegue passe livre?',
      'Com quantos anos o idoso não paga passagem?',
      'Como tirar o cartão do idoso?',
    ],
    tags: ['gratuidade', 'idoso', 'terceira idade', 'passe livre', 'beneficio'],
  },
  {
    slug: 'gratuidade-pessoa-com-deficiencia',
    question: 'Pessoa com deficiência tem gratuidade no transporte?',
    answer:
      'Pessoas com deficiência e algumas doenças crônicas podem ter direito à gratuidade no transporte, às vezes também ' +
      'para um acompanhante. Os critérios, laudos e o cadastro são definidos pelos órgãos responsáveis: consulte o site ' +
      'oficial da Prefeitura do Rio ou ligue 1746.',
    alternatives: [
      'Como conseguir o passe livre para PcD?',
      'Cadeirante tem direito a gratuidade?',
      'Meu filho é autista, tem passe livre?',
      'Acompanhante de pessoa com deficiência paga passagem?',
    ],
    tags: ['gratuidade', 'deficiencia', 'pcd', 'passe livre', 'acompanhante', 'beneficio'],
  },
  {
    slug: 'tirar-rg',
    question: 'Onde tiro a carteira de identidade (RG)?',
    answer:
      'O RG (carteira de identidade) é emitido pelo serviço de identificação civil do Estado do Rio de Janeiro, não pela ' +
      'Prefeitura. Para agendar, saber os documentos necessários e os postos de atendimento, consulte o site oficial do ' +
      'governo do Estado. Depois de pronto, você pode guardá-lo aqui na Carteira.',
    alternatives: [
      'Como faço minha identidade?',
      'Onde tiro a segunda via do RG?',
      'Como agendar a emissão da carteira de identidade?',
      'Perdi minha identidade, onde faço outra?',
      'Como tirar a nova carteira de identidade nacional?',
    ],
    tags: ['rg', 'identidade', 'emissao', 'segunda via', 'estado'],
  },
  {
    slug: 'tirar-cnh',
    question: 'Onde tiro ou renovo a CNH?',
    answer:
      'A CNH (carteira de motorista) é emitida e renovada pelo DETRAN do Estado. Para primeira habilitação, renovação ou ' +
      'segunda via, consulte o site oficial do DETRAN-RJ. Depois, você pode guardar a CNH aqui na Carteira.',
    alternatives: [
      'Como tiro a carteira de motorista?',
      'Onde renovo minha habilitação?',
      'Como fazer a primeira habilitação?',
      'Perdi minha CNH, como peço outra?',
    ],
    tags: ['cnh', 'habilitacao', 'motorista', 'detran', 'renovar'],
  },
  {
    slug: 'tirar-cpf',
    question: 'Onde tiro ou regularizo o CPF?',
    answer:
      'O CPF é da Receita Federal. A inscrição, a consulta da situação e a regularização podem ser feitas pelos canais ' +
      'oficiais da Receita Federal na internet. Depois, guarde seu CPF aqui na Carteira.',
    alternatives: [
      'Como faço meu CPF?',
      'Meu CPF está irregular, o que faço?',
      'Como tirar CPF para o meu filho?',
      'Onde consulto a situação do CPF?',
    ],
    tags: ['cpf', 'receita federal', 'regularizar', 'inscricao'],
  },
  {
    slug: 'titulo-de-eleitor',
    question: 'Onde tiro ou regularizo o título de eleitor?',
    answer:
      'O título de eleitor é emitido pela Justiça Eleitoral. Para tirar o primeiro título, transferir, regularizar ou ' +
      'consultar seu local de votação, consulte os sites oficiais do TRE-RJ ou do TSE. Depois, guarde o título aqui na Carteira.',
    alternatives: [
      'Como tiro meu título de eleitor?',
      'Onde vejo meu local de votação?',
      'Meu título está cancelado, como regularizo?',
      'Como transferir o título de eleitor?',
    ],
    tags: ['titulo de eleitor', 'tre', 'tse', 'eleicao', 'votacao'],
  },
];

/**
 * Phrasings added after the first publication, by slug: the ways citizens were found to ask on WhatsApp (no accents,
 * "vc", "q", run-ons) that the first alternatives did not cover. Migration20261211000000_faq_phrasings adds them to the
 * stored entries; the first seed migration stays as it ran.
 */
export const FAQ_ADDED_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  'o-que-e-a-carteira': ['Pra que serve essa carteira digital?', 'Que aplicativo é esse da prefeitura?'],
  'criar-conta': ['Como me cadastro na carteira digital?', 'Como faço pra criar conta no app?'],
  'como-salvar-documento': ['Como coloco meu documento no app?', 'Como boto meu RG na carteira digital?'],
  'arquivo-recusado': ['Mandei o arquivo e deu erro', 'Por que meu PDF não foi aceito?'],
  'tipos-de-documento-aceitos': ['Que documentos dá pra guardar no app?', 'Pode guardar a carteirinha do SUS?'],
  'limite-de-documentos': ['Tem um máximo de documentos que posso colocar?'],
  'ver-meus-documentos': ['Onde acho os documentos que já guardei?'],
  'excluir-documento': ['Salvei um documento errado, como tiro ele da carteira?'],
  'link-de-verificacao-expirado': ['O QR Code que eu gerei não funciona mais', 'O link que eu mandei não abre mais'],
  'documento-vencido': ['Meu documento venceu, ele continua na carteira?', 'O app avisa quando o documento vai vencer?'],
  'documento-digital-vale-como-original': [
    'O documento digital vale igual ao papel?',
    'A polícia aceita o documento no celular?',
    'Preciso levar o documento de papel ou só o do celular vale?',
    'O documento do aplicativo vale como o original?',
  ],
  'link-de-verificacao': ['Como mostro meu documento pelo celular pra alguém conferir?'],
  'cartoes-de-transporte': ['Como funciona o cartão de transporte do app?'],
  'pedir-novo-cartao': ['Consigo pedir mais um cartão pra mim?', 'Como peço mais um cartão de transporte?'],
  'consultar-saldo': ['Como vejo quanto de crédito tem no cartão?'],
  'cartao-danificado': ['Meu cartão não passa mais, o que faço?'],
  'segunda-via-do-cartao': ['Se eu bloquear o cartão perco o dinheiro dele?', 'Como tiro a segunda via do cartão?'],
  'canais-de-atendimento': ['Você atende em outro lugar além do WhatsApp?', 'Onde mais posso falar com você?'],
  'como-usar-o-chat': ['O que você sabe fazer?', 'O que dá pra fazer aqui no chat?'],
  'muitas-tentativas-de-login': ['Errei a senha muitas vezes e bloqueou'],
  'cartao-jae': ['O que é esse Jaé?'],
  'gratuidade-idosos': ['Idoso paga ônibus?', 'Minha mãe é idosa, ela paga passagem?'],
  'codigos-de-recuperacao': ['Troquei de celular e não consigo entrar por causa do autenticador'],
  'excluir-conta': ['Quero apagar minha conta'],
};

/**
 * Phrasings added in a second round (Migration20261212000000_faq_phrasings_2), written for what each entry answers
 * rather than copied from any test set: the worries and indirect ways of asking ("o dinheiro do cartão bloqueado vai
 * pra onde?", "documento vencido ainda vale?") that the wording of the first phrasings did not reach.
 */
export const FAQ_SECOND_ADDED_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  'criar-conta': ['Como abro uma conta?'],
  'tipos-de-documento-aceitos': ['Quais tipos de documento o aplicativo aceita?'],
  'ver-meus-documentos': ['Onde estão os documentos que enviei?'],
  'excluir-documento': ['Como removo um documento que salvei?'],
  'link-de-verificacao': ['Como alguém confere se meu documento digital é verdadeiro?'],
  'documento-vencido': ['Documento vencido ainda vale?', 'Minha identidade venceu, o que acontece?'],
  'documento-digital-vale-como-original': [
    'O documento salvo na Carteira tem o mesmo valor do impresso?',
    'O documento salvo no app serve como documento oficial?',
  ],
  'cartoes-de-transporte': ['Onde ficam meus cartões no aplicativo?', 'Como funciona a parte de transporte do app?'],
  'recarregar-cartao': ['Como compro crédito para o cartão?'],
  'limite-de-saldo': ['Quanto de saldo cabe no cartão?', 'Existe limite de crédito no cartão?'],
  'recarga-nao-apareceu': ['Paguei a recarga e o crédito não entrou', 'Fiz o Pix da recarga e o saldo não atualizou'],
  'pagar-passagem': ['Como passo o cartão na catraca?'],
  'valor-da-passagem': ['Qual o preço da passagem de ônibus?'],
  'historico-do-cartao': ['Como vejo as viagens e recargas do cartão?'],
  'bloquear-cartao-perdido': ['Levaram meu cartão num assalto, como travo ele?'],
  'segunda-via-do-cartao': [
    'O saldo do cartão bloqueado passa para o cartão novo?',
    'O crédito que sobrou no cartão antigo vai para onde?',
  ],
  'desbloquear-cartao': ['Posso reativar o cartão depois de encontrar ele?', 'Dá para desfazer o bloqueio do cartão?'],
  'codigo-de-vinculo-invalido': ['O código de vínculo deu inválido'],
  'desvincular-chatbot': ['Como tiro o WhatsApp ou o Telegram da minha conta?'],
  'canais-de-atendimento': ['A IPlani atende pelo Telegram?', 'Em quais aplicativos de mensagem você está?'],
  'recuperar-senha': ['Não lembro a senha, como recupero?'],
  'privacidade-e-lgpd': ['Meus dados são vendidos ou compartilhados?', 'Quem tem acesso aos meus dados?'],
  'gratuidade-idosos': ['A partir de que idade o idoso não paga ônibus?', 'E para idoso, tem gratuidade?'],
  'tirar-rg': ['Onde faço a carteira de identidade?', 'Como tirar a identidade de uma criança?'],
};

/**
 * Phrasings added in a third round (Migration20261213000000_faq_phrasings_3), written for what each entry answers: a
 * card lost in the street, a card damaged by water, a code asked for by someone claiming
 * to be the city, money that seems gone after a recharge, documents the citizen cannot find.
 */
export const FAQ_THIRD_ADDED_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  'bloquear-cartao-perdido': ['Perdi meu cartão na rua, o que eu faço?'],
  'cartao-danificado': ['O cartão molhou e não funciona mais'],
  'golpes-e-seguranca': ['Alguém pediu meu código dizendo ser da Prefeitura, posso passar?'],
  'recarga-nao-apareceu': ['Recarreguei e o dinheiro sumiu'],
  'ver-meus-documentos': ['Não acho os documentos que salvei'],
};

/** The entries as the database holds them after every seed migration: the first publication plus the added phrasings. */
export const FAQ_PUBLISHED_ENTRIES: readonly FaqSeedEntry[] = FAQ_SEED_ENTRIES.map((entry) => ({
  ...entry,
  // Appended where missing, as the migration does.
  alternatives: [
    ...new Set([
      ...entry.alternatives,
      ...(FAQ_ADDED_ALTERNATIVES[entry.slug] ?? []),
      ...(FAQ_SECOND_ADDED_ALTERNATIVES[entry.slug] ?? []),
      ...(FAQ_THIRD_ADDED_ALTERNATIVES[entry.slug] ?? []),
    ]),
  ],
}));
